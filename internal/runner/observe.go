package runner

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/probes"
	"github.com/harness-dev/harness/internal/recorder"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
	"github.com/harness-dev/harness/timeline"
)

// startRecorder starts watching the cluster and creates the probe
// Deployments that assertions need, before anything is judged.
func (r *run) startRecorder(ctx context.Context) error {
	var names, froms []string
	var as []assertions.Assertion
	for _, e := range append(slices.Clone(r.sc.SteadyState), r.sc.Assertions...) {
		names, froms, as = append(names, e.Name), append(froms, e.From), append(as, e.Assertion)
	}
	watches := recorder.WatchesOf(as)
	opts := recorder.Options{Client: r.env.Client, Timeline: r.tl, Log: r.o.Log, Objects: watches}
	if len(watches) > 0 {
		dyn, err := r.env.Cluster.Dynamic()
		if err != nil {
			return err
		}
		opts.Dynamic = dyn
	}
	rec, err := recorder.Start(ctx, opts)
	if err != nil {
		return fmt.Errorf("start recorder: %w", err)
	}
	r.rec = rec
	r.pr.step("recording pods, leases, nodes and events%s", recorder.Describe(watches))
	stop, err := probes.Start(ctx, probes.Env{Client: r.env.Client, Cluster: r.env.Cluster, Timeline: r.tl, Log: r.o.Log,
		Step: r.pr.step, Timeout: r.o.Timeout}, probes.Requests(names, froms, as))
	if err != nil {
		return err
	}
	r.stopProbes = stop
	return nil
}

// steadyState judges the steady-state checks; any that does not pass makes
// the run an error of the precondition, never an SLO failure.
func (r *run) steadyState(ctx context.Context) error {
	r.tl.Mark(timeline.SteadyState, "") // the setup is done, whether or not there are checks
	if len(r.sc.SteadyState) == 0 {
		return nil
	}
	r.pr.step("checking steady state (%d checks)", len(r.sc.SteadyState))
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
// The timeout (Options.Timeout) bounds the observation after done is
// closed (the faults ended), or from the start when done is nil (the
// steady-state checks): a scenario whose faults last long is not judged
// before they end.
func (r *run) judge(ctx context.Context, entries []scenarios.AssertionEntry, done <-chan struct{}) []reports.Assertion {
	var deadline <-chan time.Time
	why := fmt.Sprintf("the observation timed out after %s", r.o.Timeout)
	if done != nil {
		why = fmt.Sprintf("the observation timed out %s after the faults ended", r.o.Timeout)
	}
	if done == nil {
		t := time.NewTimer(r.o.Timeout)
		defer t.Stop()
		deadline = t.C
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var first []reports.Assertion // each verdict as first decided
	for {
		verdicts, pending := evaluate(entries, r.tl.Events(), r.tl.Now())
		first = keepDecided(first, verdicts)
		verdicts = first
		if pending == 0 && deadline != nil {
			r.report(verdicts)
			return verdicts
		}
		select {
		case <-r.tl.Changed():
		case <-tick.C:
		case <-done:
			// The faults ended: from now on the timeout runs (and done,
			// closed, is not selected again).
			t := time.NewTimer(r.o.Timeout)
			defer t.Stop()
			deadline, done = t.C, nil
		case <-deadline:
			return r.undecided(entries, why, true)
		case <-ctx.Done():
			// Not judged: the run error (interruption, failed fault) says why.
			return r.undecided(entries, context.Cause(ctx).Error(), false)
		}
	}
}

// keepDecided keeps every verdict as it was first decided (a decided
// verdict does not change when judged later: assertions are built so, and
// this keeps the one reported live), noting when it was decided.
func keepDecided(first, now []reports.Assertion) []reports.Assertion {
	if first == nil {
		first = make([]reports.Assertion, len(now))
	}
	for i, v := range now {
		if first[i].Status == "" || first[i].Status == assertions.Pending {
			first[i] = v
		}
	}
	return first
}

func evaluate(entries []scenarios.AssertionEntry, events []timeline.Event, now time.Duration) ([]reports.Assertion, int) {
	out := make([]reports.Assertion, len(entries))
	pending := 0
	view := timeline.NewView(events, now) // one replay for every assertion
	for i, e := range entries {
		v := e.Assertion.Evaluate(view)
		if v.Status == assertions.Pending {
			pending++
		}
		out[i] = reports.Assertion{Name: e.Name, Type: e.Type, From: e.From, Verdict: v}
		if v.Status != assertions.Pending {
			out[i].Decided = now
		}
	}
	return out, pending
}

// undecided explains every assertion still pending, and fails it when the
// observation ended without a run error (a timeout).
func (r *run) undecided(entries []scenarios.AssertionEntry, why string, fail bool) []reports.Assertion {
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

func (r *run) report(verdicts []reports.Assertion) {
	for _, v := range verdicts {
		r.pr.step("%s %s: %s", strings.ToUpper(string(v.Status)), v.Name, v.Message)
	}
}
