package runner

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/lifecycle"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
	"github.com/harness-dev/harness/timeline"
)

// faultsAndObserve injects the faults on their schedule while the
// assertions are judged, and returns when both are done.
func (r *run) faultsAndObserve(ctx context.Context) error {
	faultsDone := make(chan error, 1)
	go func() { faultsDone <- r.runFaults(ctx) }()
	err := r.observe(ctx, faultsDone)
	r.inconclusive()
	return err
}

// inconclusive marks as not judged every assertion measured from the
// moments of a fault that showed no evidence of its effect (its own start
// and end, and the start and end of the faults): a recovery after a fault
// that did nothing proves nothing. The message says what evidence was
// missing and what was observed instead.
func (r *run) inconclusive() {
	why := map[string]string{}
	for _, f := range r.res.Faults {
		if f.Evidence.Conclusive() {
			continue
		}
		reason := fmt.Sprintf("fault %s (%s) shows no evidence that it took effect: %s", f.Name, f.Type, f.Evidence.Observed)
		for _, m := range []string{timeline.FaultStart(f.Name), timeline.FaultEnd(f.Name), timeline.FaultsStart, timeline.FaultsEnd} {
			if _, ok := why[m]; !ok {
				why[m] = reason
			}
		}
	}
	for i := range r.res.Assertions {
		a := &r.res.Assertions[i]
		reason, ok := why[a.From]
		if !ok {
			continue
		}
		a.Message = fmt.Sprintf("not judged: %s (measured from %s it would be %s: %s)", reason, a.From, a.Status, a.Message)
		a.Status, a.Measured, a.Measurable = assertions.Inconclusive, 0, false
		r.pr.step("INCONCLUSIVE %s: %s", a.Name, a.Message)
	}
}

// runFaults starts every fault at its offset (or after the fault it
// follows, or on its trigger) and waits for all of them to end.
func (r *run) runFaults(ctx context.Context) error {
	r.pr.step("injecting %d faults", len(r.sc.Faults))
	r.tl.Mark(timeline.FaultsStart, "")
	ended := map[string]chan struct{}{}
	for _, f := range r.sc.Faults {
		ended[f.Name] = make(chan struct{})
	}
	r.res.Faults = make([]reports.Fault, len(r.sc.Faults))
	errs := make([]error, len(r.sc.Faults))
	var wg sync.WaitGroup
	r.evidence = &sync.WaitGroup{} // instant faults' evidence, gathered after they ended
	for i, f := range r.sc.Faults {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(ended[f.Name])
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("panic in fault %s: %v\n%s", f.Name, p, debug.Stack())
				}
			}()
			errs[i] = r.scheduledFault(ctx, f, ended, &r.res.Faults[i])
		}()
	}
	wg.Wait()
	r.tl.Mark(timeline.FaultsEnd, "")
	r.evidence.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// scheduledFault waits for f's turn (the fault it follows, its offset, its
// trigger), then runs it.
func (r *run) scheduledFault(ctx context.Context, f scenarios.FaultEntry, ended map[string]chan struct{}, rec *reports.Fault) error {
	rec.Name, rec.Type, rec.Target = f.Name, f.Type, f.Target.String()
	if f.After != "" {
		select {
		case <-ended[f.After]:
		case <-ctx.Done():
			return nil
		}
	}
	if !waitOrDone(ctx, f.At) {
		return nil
	}
	if f.Trigger != nil {
		if ok, err := r.awaitTrigger(ctx, f, rec); !ok {
			return err
		}
	}
	lf := lifecycle.Fault{Name: f.Name, Type: f.Type, Fault: f.Fault, Describe: rec.Target, Duration: f.Duration,
		Resolved: func(s string) { rec.Target += " (" + s + ")" }}
	w, err := r.lc.Run(ctx, lf)
	rec.Start, rec.End = w.Start, w.End
	switch {
	case err != nil:
		rec.Error = err.Error()
		rec.Injected = rec.End > 0
		if rec.End == 0 {
			rec.End = r.tl.Now() // no end mark: nothing is measured from a fault that did not happen
		}
	default:
		rec.Injected = true
	}
	if f.Trigger != nil && rec.Start > 0 {
		rec.TriggerLatency = rec.Start - rec.Triggered - f.Trigger.Delay
	}
	if !rec.Injected {
		return err
	}
	if f.Duration > 0 {
		rec.Evidence = evidenceOf(w.Evidence, w.EvidenceTime, f.ExpectNoEffect)
		return err
	}
	r.evidence.Add(1)
	go func() {
		defer r.evidence.Done()
		ev, took := r.lc.Evidence(context.WithoutCancel(ctx), lf, lifecycle.InstantEvidenceTimeout)
		rec.Evidence = evidenceOf(ev, took, f.ExpectNoEffect)
	}()
	return err
}

func evidenceOf(ev faults.Evidence, took time.Duration, expectNoEffect bool) *reports.Evidence {
	return &reports.Evidence{Took: ev.Took, Observed: ev.Observed, ExpectNoEffect: expectNoEffect, Seconds: reports.Seconds(took)}
}

// waitOrDone waits d, or less when ctx ends; it reports whether d passed.
func waitOrDone(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
