package assertions

import (
	"fmt"
	"strings"
	"time"

	"github.com/harness-dev/harness/internal/timeline"
)

// LeaseHeldParams are the parameters of leaseHeld.
type LeaseHeldParams struct {
	Lease string `yaml:"lease" doc:"the Lease as namespace/name, e.g. kube-system/kube-controller-manager"`
}

var leaseHeldSpec = Spec{
	Type:      "leaseHeld",
	Doc:       "a named Lease has a live holder again (renewed after the moment, or a new holder) within the SLO",
	NewParams: func() any { return &LeaseHeldParams{} },
	New: func(c Common, params any) (Assertion, error) {
		p := params.(*LeaseHeldParams)
		ns, name, ok := strings.Cut(p.Lease, "/")
		if !ok || ns == "" || name == "" || strings.Contains(name, "/") {
			return nil, fmt.Errorf("params.lease: want \"namespace/name\", got %q", p.Lease)
		}
		return &leaseHeld{c: c, key: p.Lease}, nil
	},
}

// observeGrace is how long after the deadline a renewal that happened in
// time may still arrive through the watch before the assertion fails.
const observeGrace = 5 * time.Second

type leaseHeld struct {
	c   Common
	key string
}

// renewOffset places a lease's renewal on the timeline from the observation
// itself: components and the harness share the host clock, so the renewal
// happened (Wall - RenewTime) before it was observed. This ignores watch lag
// after an outage.
func renewOffset(e timeline.Event) (time.Duration, bool) {
	l := e.Lease
	t := l.RenewTime
	if t.IsZero() {
		t = l.AcquireTime
	}
	if t.IsZero() || l.Holder == "" {
		return 0, false
	}
	return e.At - e.Wall.Sub(t), true
}

func (a *leaseHeld) Evaluate(events []timeline.Event, now time.Duration) Verdict {
	w, ok := windowOf(a.c, events)
	if !ok {
		return pending(a.c, "waiting for moment %s", a.c.From)
	}
	last, seen := time.Duration(0), false
	for _, e := range events {
		if e.Type != timeline.LeaseObserved || e.Key() != a.key || e.Action == "deleted" {
			continue
		}
		at, ok := renewOffset(e)
		if !ok {
			continue
		}
		if at > w.from && at <= w.deadline {
			return passed(a.c, at-w.from, "lease %s renewed by %q %s after %s (SLO %s)",
				a.key, e.Lease.Holder, secs(at-w.from), a.c.From, a.c.Within)
		}
		if !seen || at > last {
			last, seen = at, true
		}
	}
	if now < w.deadline+observeGrace {
		return pending(a.c, "lease %s not renewed since %s yet", a.key, a.c.From)
	}
	detail := "never renewed"
	if seen {
		detail = fmt.Sprintf("last renewed %s before the end of the window", secs(w.deadline-last))
	}
	return failed(a.c, "lease %s not held within %s after %s (%s)", a.key, a.c.Within, a.c.From, detail)
}
