package assertions

import (
	"time"

	"github.com/harness-dev/harness/internal/timeline"
)

// blindAt reports whether the recorder was blind at offset t: an apiserver
// outage began at or before t and the recorder has not listed everything
// again since (a late observation may still change the verdict).
func blindAt(events []timeline.Event, t time.Duration) bool {
	blind := false
	for _, e := range events {
		switch {
		case e.Type == timeline.OutageStarted && e.At <= t:
			blind = true
		case e.Type == timeline.Relisted:
			blind = false
		}
	}
	return blind
}

// visibleAt returns the first offset at or after t at which the recorder
// saw the cluster: t itself, unless t falls in an apiserver outage (from
// its start until the recorder listed everything again), then the moment of
// that relist. It returns false while that relist has not happened: what
// the timeline holds for t is then the state from before the outage.
func visibleAt(events []timeline.Event, t time.Duration) (time.Duration, bool) {
	blind := false
	for _, e := range events {
		switch {
		case e.Type == timeline.OutageStarted && e.At <= t:
			blind = true
		case e.Type == timeline.Relisted && blind && e.At > t:
			return e.At, true
		case e.Type == timeline.Relisted:
			blind = false
		}
	}
	return t, !blind
}
