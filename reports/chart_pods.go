package reports

import (
	"fmt"

	"github.com/harness-dev/harness/timeline"
)

// podLanes shows, per Pod that was not Ready or restarted during the run,
// its not-Ready periods and its container restarts.
func podLanes(events []timeline.Event) []Lane {
	lanes := map[string]*Lane{}
	notReady := map[string]float64{}
	restarts := map[string]int32{}
	lane := func(k string) *Lane {
		if lanes[k] == nil {
			lanes[k] = &Lane{Group: "pods", Name: k}
		}
		return lanes[k]
	}
	for _, e := range events {
		if e.Pod == nil {
			continue
		}
		k, at := e.Key(), seconds(e.At)
		ready := e.Pod.Ready && e.Action != timeline.Deleted
		if start, down := notReady[k]; down && ready {
			lane(k).Items = append(lane(k).Items, Item{Start: start, End: at, Label: k + " not Ready", Class: "notready"})
			delete(notReady, k)
		} else if !down && !ready {
			notReady[k] = at
		}
		for _, c := range e.Pod.Containers {
			ck := k + "/" + c.Name
			if prev, ok := restarts[ck]; ok && c.RestartCount > prev {
				lane(k).Items = append(lane(k).Items, Item{Start: at, End: at,
					Label: fmt.Sprintf("container %s restarted (restarts %d) %s", c.Name, c.RestartCount, c.Waiting), Class: "restart"})
			}
			restarts[ck] = c.RestartCount
		}
	}
	if len(events) > 0 {
		end := seconds(events[len(events)-1].At)
		for k, start := range notReady {
			if lanes[k] != nil || start > seconds(events[0].At) {
				lane(k).Items = append(lane(k).Items, Item{Start: start, End: end, Label: k + " not Ready (until the end)", Class: "notready"})
			}
		}
	}
	return sortedLanes(lanes, 1)
}

// probeLanes shows the periods a data-plane probe went unanswered.
func probeLanes(events []timeline.Event) []Lane {
	lanes := map[string]*Lane{}
	failing := map[string]float64{}
	last := map[string]float64{}
	for _, e := range events {
		if e.HTTP == nil {
			continue
		}
		k, at := e.HTTP.Probe, seconds(e.At)
		if lanes[k] == nil {
			lanes[k] = &Lane{Group: "data plane", Name: k + " " + e.HTTP.URL}
		}
		if start, down := failing[k]; down && e.HTTP.OK {
			lanes[k].Items = append(lanes[k].Items, Item{Start: start, End: at, Label: "unanswered: " + e.HTTP.URL, Class: "unavailable"})
			delete(failing, k)
		} else if !down && !e.HTTP.OK {
			failing[k] = at
		}
		last[k] = at
	}
	for k, start := range failing {
		lanes[k].Items = append(lanes[k].Items, Item{Start: start, End: last[k], Label: "unanswered until the end", Class: "unavailable"})
	}
	return sortedLanes(lanes, 0)
}
