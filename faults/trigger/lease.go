package trigger

import (
	"context"
	"fmt"
	"slices"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
)

// LeaseParams are the parameters of the lease trigger.
type LeaseParams struct {
	Lease string `yaml:"lease" doc:"the Lease as namespace/name, e.g. kube-system/kube-controller-manager"`
	On    string `yaml:"on" doc:"acquired (a new holder, or the same holder again after a transition) or lost (the holder changes away, or its lease expires unrenewed)"`
}

var leaseEvents = []string{"acquired", "lost"}

var leaseSpec = Spec{
	Type:      "lease",
	Doc:       "a Lease is acquired or lost (leader election)",
	NewParams: func() any { return &LeaseParams{} },
	New:       newLease,
}

func newLease(params any) (Trigger, field.ErrorList) {
	p := params.(*LeaseParams)
	ns, name, errs := clusters.LeaseRef(field.NewPath("params", "lease"), p.Lease)
	if errs != nil {
		return nil, errs
	}
	if !slices.Contains(leaseEvents, p.On) {
		return nil, field.ErrorList{field.NotSupported(field.NewPath("params", "on"), p.On, leaseEvents)}
	}
	return &lease{ns: ns, name: name, on: p.On}, nil
}

type lease struct {
	ns, name, on string
	// the state at arming (zero when the Lease did not exist), and the
	// last renewal seen
	holder            string
	transitions       int32
	acquired, renewed time.Time
	duration          time.Duration
}

func (l *lease) Wait(ctx context.Context, env Env) (Fired, error) {
	*l = lease{ns: l.ns, name: l.name, on: l.on}
	leases := env.Client.CoordinationV1().Leases(l.ns)
	lw := listWatch(env.Client, fields.OneTermEqualSelector("metadata.name", l.name).String(), "", leases.List, leases.Watch)
	var tick func() (Fired, bool)
	if l.on == "lost" {
		tick = l.expired
	}
	return watchUntil(ctx, env, lw, &coordv1.Lease{}, l.match, tick)
}

// match compares each observation with the state at arming.
func (l *lease) match(c change) (Fired, bool) {
	if c.cur == nil {
		return Fired{}, false
	}
	cur := c.cur.(*coordv1.Lease)
	if cur.Name != l.name {
		return Fired{}, false
	}
	holder, trans, acq, renew, dur := leaseState(cur)
	if c.initial {
		l.holder, l.transitions, l.acquired, l.renewed, l.duration = holder, trans, acq, renew, dur
		return Fired{}, false
	}
	defer func() { l.renewed, l.duration = renew, dur }()
	what := fmt.Sprintf("lease %s/%s", l.ns, l.name)
	switch {
	case l.on == "acquired" && holder != "" && (holder != l.holder || trans > l.transitions || acq.After(l.acquired)):
		return fired(acq, fmt.Sprintf("%s acquired by %s", what, holder)), true
	case l.on == "lost" && l.holder != "" && holder != l.holder:
		return fired(time.Time{}, fmt.Sprintf("%s lost by %s (holder now %q)", what, l.holder, holder)), true
	}
	return Fired{}, false
}

// expired fires when the holder at arming let the lease run out.
func (l *lease) expired() (Fired, bool) {
	if l.holder == "" || l.renewed.IsZero() || l.duration == 0 {
		return Fired{}, false
	}
	end := l.renewed.Add(l.duration)
	if time.Now().Before(end) {
		return Fired{}, false
	}
	return fired(end, fmt.Sprintf("lease %s/%s of %s expired (last renewed %s)", l.ns, l.name, l.holder,
		l.renewed.Format(time.RFC3339Nano))), true
}

func leaseState(l *coordv1.Lease) (holder string, transitions int32, acquired, renewed time.Time, duration time.Duration) {
	s := l.Spec
	if s.HolderIdentity != nil {
		holder = *s.HolderIdentity
	}
	if s.LeaseTransitions != nil {
		transitions = *s.LeaseTransitions
	}
	if s.AcquireTime != nil {
		acquired = s.AcquireTime.Time
	}
	if s.RenewTime != nil {
		renewed = s.RenewTime.Time
	}
	if s.LeaseDurationSeconds != nil {
		duration = time.Duration(*s.LeaseDurationSeconds) * time.Second
	}
	return
}
