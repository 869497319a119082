package runner

import (
	"context"
	"fmt"

	"github.com/harness-dev/harness/faults/trigger"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
	"github.com/harness-dev/harness/timeline"
)

// awaitTrigger waits for the event that starts fault f, marks it in the
// timeline as <fault>.triggered, and waits the trigger's delay. It reports
// whether the fault is to be injected, and an error when the event did not
// happen within the trigger's timeout.
func (r *run) awaitTrigger(ctx context.Context, f scenarios.FaultEntry, rec *reports.Fault) (bool, error) {
	timeout := f.Trigger.Timeout
	if timeout == 0 {
		timeout = r.o.Timeout
	}
	r.pr.step("fault %s waits for its %s trigger (up to %s)", f.Name, f.Trigger.Type, timeout)
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	fired, err := f.Trigger.Trigger.Wait(tctx, trigger.Env{Client: r.env.Client, Timeline: r.tl,
		Armed: func() { r.tl.Mark(timeline.Armed(f.Name), f.Trigger.Type) }})
	if err != nil {
		if ctx.Err() != nil {
			return false, nil // interrupted: the run reports that
		}
		err = fmt.Errorf("fault %s: its %s trigger did not fire within %s: %w", f.Name, f.Trigger.Type, timeout, err)
		rec.Error = err.Error()
		return false, err
	}
	rec.Trigger = fired.What
	rec.Triggered = fired.Observed.Sub(r.tl.Start())
	note := fired.What
	if !fired.Occurred.IsZero() {
		note += fmt.Sprintf(" (occurred %.3fs)", r.tl.Offset(fired.Occurred).Seconds())
	}
	r.tl.Mark(timeline.Triggered(f.Name), note)
	r.pr.step("fault %s triggered: %s", f.Name, fired.What)
	return waitOrDone(ctx, f.Trigger.Delay), nil
}
