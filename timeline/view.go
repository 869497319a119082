package timeline

import (
	"sort"
	"time"
)

// View is one replay of a timeline as of an evaluation offset: the events
// recorded up to Now, indexed once, so that an assertion asks questions
// ("the window of this moment", "the Pods at t as their kubelets last
// reported them", "when did the recorder see the cluster again") instead of
// replaying the events itself. The answers fold in what the recorder could
// not see: apiserver outages (OutageStarted until the next Relisted) and the
// Pod statuses the kubelets could not report meanwhile.
//
// A View never looks past Now; Until gives the view as it was at an earlier
// offset, so a verdict can be computed from the events up to the end of its
// window whenever it is evaluated.
type View struct {
	events  []Event
	now     time.Duration
	marks   map[string]time.Duration
	outages []Outage
	wall    time.Time // wall-clock time of offset 0, when any event has one
	hasWall bool
}

// Outage is an apiserver outage as the recorder saw it.
type Outage struct {
	// Start is when the recorder's reachability probe first failed, Wall
	// its wall-clock time.
	Start time.Duration
	Wall  time.Time
	// Relisted is when the recorder had listed every object again after the
	// outage, or -1 while it has not (the recorder is still blind).
	Relisted time.Duration
}

// NewView replays events (oldest first, as Timeline.Events returns them)
// as of offset now; events after now are ignored.
func NewView(events []Event, now time.Duration) *View {
	n := sort.Search(len(events), func(i int) bool { return events[i].At > now })
	v := &View{events: events[:n], now: now, marks: map[string]time.Duration{}}
	for _, e := range v.events {
		if !v.hasWall && !e.Wall.IsZero() {
			v.wall, v.hasWall = e.Wall.Add(-e.At), true
		}
		switch e.Type {
		case MarkReached:
			if _, ok := v.marks[e.Mark]; !ok {
				v.marks[e.Mark] = e.At
			}
		case OutageStarted:
			v.outages = append(v.outages, Outage{Start: e.At, Wall: e.Wall, Relisted: -1})
		case Relisted:
			if k := len(v.outages) - 1; k >= 0 && v.outages[k].Relisted < 0 {
				v.outages[k].Relisted = e.At
			}
		}
	}
	return v
}

// Now is the offset the view is evaluated at.
func (v *View) Now() time.Duration { return v.now }

// Events are the events up to Now, oldest first. Do not modify them.
func (v *View) Events() []Event { return v.events }

// Until is the view as it was at offset t (t is capped at Now).
func (v *View) Until(t time.Duration) *View {
	if t >= v.now {
		return v
	}
	return NewView(v.events, t)
}

// Moment returns the offset of the first mark named name.
func (v *View) Moment(name string) (time.Duration, bool) {
	at, ok := v.marks[name]
	return at, ok
}

// Window is the span an assertion judges: from its moment to the deadline
// (the moment plus the SLO).
type Window struct {
	From, Deadline time.Duration
}

// Window returns the window of an assertion measured from the moment from
// with the SLO within; ok is false while the moment has not happened.
func (v *View) Window(from string, within time.Duration) (Window, bool) {
	at, ok := v.Moment(from)
	return Window{From: at, Deadline: at + within}, ok
}

// Outages are the apiserver outages up to Now, oldest first.
func (v *View) Outages() []Outage { return v.outages }

// lastOutage returns the last outage that started at or before t.
func (v *View) lastOutage(t time.Duration) (Outage, bool) {
	for k := len(v.outages) - 1; k >= 0; k-- {
		if v.outages[k].Start <= t {
			return v.outages[k], true
		}
	}
	return Outage{}, false
}

// Blind reports whether what the view holds for offset t may still change:
// the last outage that started at or before t has not been relisted yet.
func (v *View) Blind(t time.Duration) bool {
	o, ok := v.lastOutage(t)
	return ok && o.Relisted < 0
}

// SeenAt returns the first offset at or after t at which the recorder saw
// the cluster: t itself, unless t falls in an apiserver outage (from its
// start until the recorder listed everything again), then that relist. It
// returns false while that relist has not happened: what the view holds
// for t is then the state from before the outage.
func (v *View) SeenAt(t time.Duration) (time.Duration, bool) {
	o, ok := v.lastOutage(t)
	switch {
	case !ok || (o.Relisted >= 0 && o.Relisted <= t):
		return t, true
	case o.Relisted < 0:
		return t, false
	}
	return o.Relisted, true
}

// WallAt converts offset t into the host's wall-clock time (the clock
// components write into Leases and container statuses); false when no
// event carries a wall time.
func (v *View) WallAt(t time.Duration) (time.Time, bool) {
	return v.wall.Add(t), v.hasWall
}

// Leases returns the observations (not deletions) of the Lease
// namespace/name, oldest first.
func (v *View) Leases(namespace, name string) []Event {
	var out []Event
	for _, e := range v.events {
		if e.Type == LeaseObserved && e.Action != Deleted && e.Lease.Namespace == namespace && e.Lease.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// HTTPProbes returns the answers (HTTPProbed events) of the data-plane
// probe named probe recorded in [a, b].
func (v *View) HTTPProbes(probe string, a, b time.Duration) []Event {
	var out []Event
	for _, e := range v.events {
		if e.Type == HTTPProbed && e.HTTP.Probe == probe && e.At >= a && e.At <= b {
			out = append(out, e)
		}
	}
	return out
}
