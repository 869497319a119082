package assertions

import (
	"fmt"
	"time"

	"github.com/harness-dev/harness/internal/timeline"
)

// ComponentReadyParams are the parameters of componentReady.
type ComponentReadyParams struct {
	PodTarget `yaml:",inline"`
	Stable    string `yaml:"stable" doc:"how long the Pods must stay Ready to count as recovered (default 10s)"`
}

var componentReadySpec = Spec{
	Type:      "componentReady",
	Doc:       "a control-plane component (static pod) or the Pods of a workload are Ready again, and stay Ready, within the SLO",
	NewParams: func() any { return &ComponentReadyParams{} },
	New: func(c Common, params any) (Assertion, error) {
		p := params.(*ComponentReadyParams)
		m, err := p.matcher()
		if err != nil {
			return nil, err
		}
		stable := 10 * time.Second
		if p.Stable != "" {
			if stable, err = time.ParseDuration(p.Stable); err != nil || stable < 0 {
				return nil, fmt.Errorf("params.stable: %q is not a duration such as 10s", p.Stable)
			}
		}
		return &componentReady{c: c, m: m, stable: stable}, nil
	},
}

type componentReady struct {
	c      Common
	m      podMatcher
	stable time.Duration
}

// readiness replays the target's observations up to now: whether all its
// Pods are Ready at the end, since when, and whether any was observed after
// from.
func (a *componentReady) readiness(events []timeline.Event, from, now time.Duration) (ready bool, since time.Duration, seenAfter bool) {
	states := map[string]timeline.Event{}
	for _, e := range events {
		if e.At > now {
			break
		}
		if !a.m.matches(e) {
			continue
		}
		if e.Action == "deleted" {
			delete(states, e.Key())
		} else {
			states[e.Key()] = e
		}
		seenAfter = seenAfter || e.At > from
		all := len(states) > 0
		for _, s := range states {
			all = all && s.Pod.Ready
		}
		if all && !ready {
			since = e.At
		}
		ready = all
	}
	return ready, since, seenAfter
}

func (a *componentReady) Evaluate(events []timeline.Event, now time.Duration) Verdict {
	w, ok := windowOf(a.c, events)
	if !ok {
		return pending(a.c, "waiting for moment %s", a.c.From)
	}
	if _, seen := visibleAt(events, now); !seen {
		return pending(a.c, "waiting for the recorder to see %s again after the apiserver outage", a.m.describe)
	}
	// Nothing is decided on statuses the kubelets have not refreshed since
	// the last outage: a Pod that looks Ready may be NotReady unreported.
	nodes := a.m.nodesOf(events, now)
	if _, why := a.m.freshness(events, nodes, now, now); why != "" {
		return pending(a.c, "%s", why)
	}
	ready, since, seenAfter := a.readiness(events, w.from, now)
	r := max(since, w.from)
	// At a moment the recorder was blind the state it holds is from before
	// the outage: the Pods count as Ready from its relist on, not earlier.
	if seenAt, _ := visibleAt(events, w.from); seenAt > w.from {
		r, seenAfter = max(r, seenAt), true
	}
	// Likewise while the kubelets could not report: from their first
	// renewal after the outage on.
	if fresh, _, _ := statusFreshAt(events, nodes, w.from, now); fresh-kubeletSync > w.from {
		r, seenAfter = max(r, fresh-kubeletSync), true
	}
	restartsMsg := a.restarts(events, w.from, now)
	if ready && (seenAfter || now >= w.deadline) && r <= w.deadline {
		if r+a.stable <= now {
			return passed(a.c, r-w.from, "%s Ready %s after %s and stayed Ready for %s (SLO %s; %s)",
				a.m.describe, secs(r-w.from), a.c.From, a.stable, a.c.Within, restartsMsg)
		}
		return pending(a.c, "%s Ready since %s after %s; waiting %s for it to stay Ready", a.m.describe, secs(r-w.from), a.c.From, a.stable)
	}
	if now < w.deadline {
		return pending(a.c, "%s not Ready yet", a.m.describe)
	}
	state := "not Ready at the end of the window"
	if ready {
		state = fmt.Sprintf("Ready only %s after %s", secs(r-w.from), a.c.From)
	}
	return failed(a.c, "%s not Ready within %s after %s (%s; %s)", a.m.describe, a.c.Within, a.c.From, state, restartsMsg)
}

// restarts describes how many container restarts happened since from.
func (a *componentReady) restarts(events []timeline.Event, from, now time.Duration) string {
	before := a.m.podStates(events, from)
	after := a.m.podStates(events, now)
	var n int32
	for k, e := range after {
		n += restarts(e)
		if b, ok := before[k]; ok {
			n -= restarts(b)
		}
	}
	return fmt.Sprintf("restarts since %s: %d", a.c.From, max(n, 0))
}
