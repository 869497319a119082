package assertions

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// LeaseHeldParams are the parameters of leaseHeld.
type LeaseHeldParams struct {
	Lease string `yaml:"lease" doc:"the Lease as namespace/name, e.g. kube-system/kube-controller-manager"`
}

var leaseHeldSpec = Spec{
	Type:      "leaseHeld",
	Doc:       "a named Lease has a live holder again (renewed after the moment, or a new holder) within the SLO",
	NewParams: func() any { return &LeaseHeldParams{} },
	New: func(c Common, params any) (Assertion, field.ErrorList) {
		p := params.(*LeaseHeldParams)
		ns, name, errs := clusters.LeaseRef(field.NewPath("params", "lease"), p.Lease)
		if errs != nil {
			return nil, errs
		}
		return &leaseHeld{c: c, key: p.Lease, ns: ns, name: name}, nil
	},
}

// observeGrace is how long after the deadline a renewal that happened in
// time may still arrive through the watch before the assertion fails.
const observeGrace = 5 * time.Second

type leaseHeld struct {
	c             Common
	key, ns, name string
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

func (a *leaseHeld) Evaluate(v *timeline.View) Verdict {
	w, verdict, ok := window(a.c, v)
	if !ok {
		return verdict
	}
	last, seen := time.Duration(0), false
	for _, e := range v.Leases(a.ns, a.name) {
		at, ok := renewOffset(e)
		if !ok {
			continue
		}
		if at > w.From && at <= w.Deadline {
			return passed(a.c, at-w.From, "lease %s renewed by %q %s after %s (SLO %s)",
				a.key, e.Lease.Holder, secs(at-w.From), a.c.From, a.c.Within)
		}
		if !seen || at > last {
			last, seen = at, true
		}
	}
	if v.Now() < w.Deadline+observeGrace {
		return pending(a.c, "lease %s not renewed since %s yet", a.key, a.c.From)
	}
	// A renewal made in time may have been hidden by an outage: only the
	// recorder's relist after the deadline tells.
	if at, ok := v.SeenAt(w.Deadline); !ok || at > v.Now() {
		return pending(a.c, "waiting for the recorder to see lease %s again after the apiserver outage", a.key)
	}
	detail := "never renewed"
	if seen {
		detail = fmt.Sprintf("last renewed %s before the end of the window", secs(w.Deadline-last))
	}
	return failed(a.c, "lease %s not held within %s after %s (%s)", a.key, a.c.Within, a.c.From, detail)
}
