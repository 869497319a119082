package timeline

import "time"

// ObjectMatch chooses the objects a question is about.
type ObjectMatch func(*Object) bool

// WalkObjects replays the matching objects over [a, b]: it calls f with
// the state at a (every matching object that exists then, by Key, as last
// observed), then again after each observation of a matching object in
// (a, b] with its offset, until f returns false. Deletions (also those of
// objects that vanished during an apiserver outage, recorded at the
// relist) remove the object. The map is reused between calls: do not keep
// it.
func (v *View) WalkObjects(m ObjectMatch, a, b time.Duration, f func(at time.Duration, objs map[string]*Object) bool) {
	walkState(v, a, b, func(e Event) (string, *Object, bool) {
		if e.Type != ObjectObserved || !m(e.Object) {
			return "", nil, false
		}
		return e.Object.Key(), e.Object, true
	}, f)
}

// WalkNodes replays the Nodes over [a, b] as WalkObjects does objects.
func (v *View) WalkNodes(a, b time.Duration, f func(at time.Duration, nodes map[string]*Node) bool) {
	walkState(v, a, b, func(e Event) (string, *Node, bool) {
		if e.Type != NodeObserved {
			return "", nil, false
		}
		return e.Node.Name, e.Node, true
	}, f)
}

// walkState is the replay of WalkObjects and WalkNodes: pick says which
// events observe the state and under which key.
func walkState[T any](v *View, a, b time.Duration, pick func(Event) (string, *T, bool), f func(time.Duration, map[string]*T) bool) {
	state := map[string]*T{}
	started := false
	for _, e := range v.events {
		if e.At > b {
			break
		}
		if e.At > a && !started {
			started = true
			if !f(a, state) {
				return
			}
		}
		key, obj, ok := pick(e)
		if !ok {
			continue
		}
		if e.Action == Deleted {
			delete(state, key)
		} else {
			state[key] = obj
		}
		if started && !f(e.At, state) {
			return
		}
	}
	if !started && a <= b {
		f(a, state)
	}
}

// ProbeEvents returns the events of type typ (HTTPProbed, DNSProbed,
// MetricScraped, LogMatched) that the probe of the assertion named probe
// recorded in [a, b], oldest first.
func (v *View) ProbeEvents(typ Type, probe string, a, b time.Duration) []Event {
	var out []Event
	for _, e := range v.events {
		if e.At < a || e.Type != typ {
			continue
		}
		if e.At > b {
			break
		}
		if probeOf(e) == probe {
			out = append(out, e)
		}
	}
	return out
}

func probeOf(e Event) string {
	switch {
	case e.HTTP != nil:
		return e.HTTP.Probe
	case e.DNS != nil:
		return e.DNS.Probe
	case e.Metric != nil:
		return e.Metric.Probe
	case e.Log != nil:
		return e.Log.Probe
	}
	return ""
}

// OffsetOf converts a wall-clock time of the host (a log line's timestamp)
// into an offset of the view; false when no event carries a wall time.
func (v *View) OffsetOf(wall time.Time) (time.Duration, bool) {
	return wall.Sub(v.wall), v.hasWall
}
