package assertions

import (
	"time"

	"github.com/harness-dev/harness/internal/timeline"
)

// restartSettle is how long after its window noRestarts waits for restarts
// that the kubelet reports late (its status updates lag the container).
const restartSettle = 5 * time.Second

// restartsAt returns the restart count of every matching Pod that exists at
// offset t. A restart the recorder saw only later (the apiserver was down,
// the kubelet reported late) counts at t when the kubelet dates the
// container's last exit at or before t (a timeline without exit times
// counts what it saw by t): the restart count of an observation
// includes exits up to its last exit only.
func (m podMatcher) restartsAt(events []timeline.Event, t time.Duration) map[string]int32 {
	states := m.podStates(events, t)
	out := make(map[string]int32, len(states))
	for k, e := range states {
		out[k] = restarts(e)
	}
	tWall, ok := wallAt(events, t)
	if !ok {
		return out
	}
	for _, e := range events {
		if e.At <= t || !m.matches(e) {
			continue
		}
		k := e.Key()
		st, known := states[k]
		exit := lastExit(e)
		if !known || st.Pod.UID != e.Pod.UID || exit.IsZero() || exit.After(tWall) {
			continue
		}
		out[k] = max(out[k], restarts(e))
	}
	return out
}

// lastExit is the latest exit of any container of the observed Pod.
func lastExit(e timeline.Event) time.Time {
	var last time.Time
	for _, c := range e.Pod.Containers {
		if c.LastExit.After(last) {
			last = c.LastExit
		}
	}
	return last
}

// wallAt converts offset t into wall-clock time using any recorded event.
func wallAt(events []timeline.Event, t time.Duration) (time.Time, bool) {
	for _, e := range events {
		if !e.Wall.IsZero() {
			return e.Wall.Add(t - e.At), true
		}
	}
	return time.Time{}, false
}
