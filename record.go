package harness

import (
	"context"
	"fmt"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/recorder"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/timeline"
)

// Recording watches a cluster (Pods, Leases, Nodes, Events and the
// apiserver's reachability) onto a timeline with monotonic offsets. It
// survives apiserver outages: they are recorded, not fatal.
type Recording struct {
	c   *Cluster
	tl  *timeline.Timeline
	rec *recorder.Recorder
	pr  *probing
}

// Record starts recording the cluster; it returns once the cluster's
// current state is on the timeline. Stop it when done.
func (c *Cluster) Record(ctx context.Context) (*Recording, error) {
	tl := timeline.New(time.Now())
	dyn, err := c.c.Dynamic()
	if err != nil {
		return nil, fmt.Errorf("record cluster %s: %w", c.Name(), err)
	}
	rec, err := recorder.Start(ctx, recorder.Options{Client: c.client, Timeline: tl, Log: c.log, Dynamic: dyn})
	if err != nil {
		return nil, fmt.Errorf("record cluster %s: %w", c.Name(), err)
	}
	return &Recording{c: c, tl: tl, rec: rec, pr: newProbing()}, nil
}

// Mark records a named moment (such as timeline.FaultEnd("kill-kcm")) that
// assertions measure from, and returns its offset.
func (r *Recording) Mark(name string) time.Duration { return r.tl.Mark(name, "") }

// Now is the current offset of the timeline.
func (r *Recording) Now() time.Duration { return r.tl.Now() }

// Events returns a copy of the timeline so far.
func (r *Recording) Events() []timeline.Event { return r.tl.Events() }

// Stop stops watching and the probes (deleting what they created); the
// timeline stays readable.
func (r *Recording) Stop() {
	r.pr.stop()
	r.rec.Stop()
}

// Assertion is an assertion to judge over a Recording, as a scenario's
// assertions entry says it.
type Assertion struct {
	Name string
	// Type is an assertion type of `harness list`. The probing types
	// (podsCreatable, httpAvailable, dnsResolves, metric, logLine,
	// reconciles) and those that watch further kinds (objectState) need
	// Recording.Probe before the fault.
	Type string
	// From is the mark the SLO is measured from; Within is the SLO.
	From   string
	Within time.Duration
	// Until, instead of Within, makes the assertion an invariant from the
	// mark From to the mark Until (a scenario's `during`), for the types
	// that have that form.
	Until string
	// Params is a pointer to the type's parameter struct, e.g.
	// &assertions.LeaseHeldParams{Lease: "kube-system/kube-controller-manager"}.
	Params any
}

// Judgement is an assertion's verdict at a moment, with the timeline it
// was judged on, summarised for failure messages.
type Judgement struct {
	Assertion string
	Verdict
	// Timeline summarises the recorded timeline (faults, outages, lease
	// holders, restarts).
	Timeline string
}

// Judge judges an assertion over what was recorded so far. The verdict is
// Pending until it is decided; poll it (Gomega's Eventually) or Await it.
func (r *Recording) Judge(a Assertion) (Judgement, error) {
	as, err := newAssertion(a)
	if err != nil {
		return Judgement{}, err
	}
	_, probes := as.(assertions.Prober)
	_, watches := as.(assertions.Watcher)
	switch {
	case r.pr.started(a.Name):
	case probes:
		return Judgement{}, fmt.Errorf("assertion %q of type %s measures a probe: call Recording.Probe with it before the fault", a.Name, a.Type)
	case watches:
		return Judgement{}, fmt.Errorf("assertion %q of type %s judges objects the recording must watch: call Recording.Probe with it before the fault", a.Name, a.Type)
	}
	return judge(as, a.Name, r.tl.Events(), r.tl.Now()), nil
}

// JudgeTimeline judges an assertion over a timeline (recorded, or read
// back from a report's timeline.jsonl) at offset now: assertions are pure
// functions of the timeline.
func JudgeTimeline(events []timeline.Event, now time.Duration, a Assertion) (Judgement, error) {
	as, err := newAssertion(a)
	if err != nil {
		return Judgement{}, err
	}
	return judge(as, a.Name, events, now), nil
}

func judge(as assertions.Assertion, name string, events []timeline.Event, now time.Duration) Judgement {
	v := as.Evaluate(timeline.NewView(events, now))
	return Judgement{Assertion: name, Verdict: v, Timeline: reports.TimelineSummary(&reports.Run{Timeline: events}, 60)}
}

func newAssertion(a Assertion) (assertions.Assertion, error) {
	spec, ok := assertions.Lookup(a.Type)
	if !ok {
		return nil, fmt.Errorf("assertion %q: unknown type %q; valid types: %v", a.Name, a.Type, assertions.Types())
	}
	params, err := typedParams(a.Params, spec.NewParams)
	if err != nil {
		return nil, fmt.Errorf("assertion %q of type %s: %w", a.Name, a.Type, err)
	}
	if a.Until != "" && !spec.Invariant {
		return nil, fmt.Errorf("assertion %q: type %s has no invariant form (Until); types with it: %v", a.Name, a.Type, assertions.InvariantTypes())
	}
	as, errs := spec.New(assertions.Common{Name: a.Name, From: a.From, Within: a.Within, Until: a.Until}, params)
	if len(errs) > 0 {
		return nil, fmt.Errorf("assertion %q: %w", a.Name, errs.ToAggregate())
	}
	return as, nil
}

// Await judges an assertion whenever the timeline changes (and every
// second, for deadlines) until its verdict is decided (the SLO's deadline
// bounds that) or ctx ends, and returns the last judgement.
func (r *Recording) Await(ctx context.Context, a Assertion) (Judgement, error) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		changed := r.tl.Changed()
		j, err := r.Judge(a)
		if err != nil || j.Status != assertions.Pending {
			return j, err
		}
		select {
		case <-ctx.Done():
			return j, fmt.Errorf("assertion %s still pending: %w", a.Name, ctx.Err())
		case <-changed:
		case <-tick.C:
		}
	}
}
