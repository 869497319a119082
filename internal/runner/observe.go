package runner

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/recorder"
	"github.com/harness-dev/harness/internal/result"
	"github.com/harness-dev/harness/internal/timeline"
	"github.com/harness-dev/harness/scenarios"
)

// startRecorder starts watching the cluster and creates the probe
// Deployments that assertions need, before anything is judged.
func (r *run) startRecorder(ctx context.Context) error {
	rec, err := recorder.Start(ctx, recorder.Options{Client: r.env.Client, Timeline: r.tl, Log: r.o.Log})
	if err != nil {
		return fmt.Errorf("start recorder: %w", err)
	}
	r.rec = rec
	r.pr.step("recording pods, leases, nodes and events")
	if err := r.createProbes(ctx); err != nil {
		return err
	}
	return r.startHTTPProbes(ctx)
}

// steadyState judges the steady-state checks; any that does not pass makes
// the run an error of the precondition, never an SLO failure.
func (r *run) steadyState(ctx context.Context) error {
	if len(r.sc.SteadyState) == 0 {
		return nil
	}
	r.pr.step("checking steady state (%d checks)", len(r.sc.SteadyState))
	r.tl.Mark("steady-state", "")
	verdicts := r.judge(ctx, r.sc.SteadyState, nil)
	r.res.SteadyState = verdicts
	var failed []string
	for _, v := range verdicts {
		if v.Status != assertions.Passed {
			failed = append(failed, v.Name+": "+v.Message)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("steady state does not hold before any fault: %s", strings.Join(failed, "; "))
	}
	return nil
}

// observe judges the assertions until all are decided and the faults are
// over, or the timeout ends.
func (r *run) observe(ctx context.Context, faultsDone <-chan error) error {
	var faultErr error
	done := make(chan struct{})
	jctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		faultErr = <-faultsDone
		if faultErr != nil {
			cancel(fmt.Errorf("a fault failed: %w", faultErr))
		}
		close(done)
	}()
	r.res.Assertions = r.judge(jctx, r.sc.Assertions, done)
	<-done
	return faultErr
}

// judge evaluates entries on every timeline change (and once a second, for
// deadlines) until every one is decided and, when given, done is closed.
func (r *run) judge(ctx context.Context, entries []scenarios.AssertionEntry, done <-chan struct{}) []result.Assertion {
	deadline := time.NewTimer(r.o.Timeout)
	defer deadline.Stop()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		verdicts, pending := evaluate(entries, r.tl.Events(), r.tl.Now())
		if pending == 0 && closed(done) {
			r.report(verdicts)
			return verdicts
		}
		select {
		case <-r.tl.Changed():
		case <-tick.C:
		case <-done:
		case <-deadline.C:
			return r.undecided(entries, "the observation timed out", true)
		case <-ctx.Done():
			// Not judged: the run error (interruption, failed fault) says why.
			return r.undecided(entries, context.Cause(ctx).Error(), false)
		}
	}
}

func evaluate(entries []scenarios.AssertionEntry, events []timeline.Event, now time.Duration) ([]result.Assertion, int) {
	out := make([]result.Assertion, len(entries))
	pending := 0
	for i, e := range entries {
		v := e.Assertion.Evaluate(events, now)
		if v.Status == assertions.Pending {
			pending++
		}
		out[i] = result.Assertion{Name: e.Name, Type: e.Type, From: e.From, Verdict: v}
	}
	return out, pending
}

// undecided explains every assertion still pending, and fails it when the
// observation ended without a run error (a timeout).
func (r *run) undecided(entries []scenarios.AssertionEntry, why string, fail bool) []result.Assertion {
	events := r.tl.Events()
	verdicts, _ := evaluate(entries, events, r.tl.Now())
	for i := range verdicts {
		if verdicts[i].Status != assertions.Pending {
			continue
		}
		if fail {
			verdicts[i].Status = assertions.Failed
		}
		if _, ok := timeline.FindMark(events, entries[i].From); !ok {
			verdicts[i].Message = fmt.Sprintf("%s: not decided, moment %s never happened (%s)", entries[i].Name, entries[i].From, why)
		} else {
			verdicts[i].Message = fmt.Sprintf("%s: not decided (%s): %s", entries[i].Name, why, verdicts[i].Message)
		}
	}
	r.report(verdicts)
	return verdicts
}

func (r *run) report(verdicts []result.Assertion) {
	for _, v := range verdicts {
		r.pr.step("%s %s: %s", strings.ToUpper(string(v.Status)), v.Name, v.Message)
	}
}

func closed(ch <-chan struct{}) bool {
	if ch == nil {
		return true
	}
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
