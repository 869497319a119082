package reports

import (
	"fmt"
	"sort"
	"time"

	"github.com/harness-dev/harness/timeline"
)

// Chart is the timeline chart of a run: lanes of bars (windows) and points
// (moments), in seconds from the start of the run.
type Chart struct {
	Duration float64 `json:"duration"`
	Lanes    []Lane  `json:"lanes"`
}

// Lane is one row of the chart.
type Lane struct {
	Group string `json:"group"` // faults, assertions, apiserver, leases, pods, data plane, nodes
	Name  string `json:"name"`
	Items []Item `json:"items"`
}

// Item is a bar (End > Start) or a point (End == Start).
type Item struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	Label string  `json:"label"`
	Class string  `json:"class"` // fault, window-passed, window-failed, recovered, outage, holder, notready, restart, unavailable
}

// NewChart builds the chart of a run from its faults, assertions and
// timeline.
func NewChart(r *Run) Chart {
	c := Chart{Duration: seconds(r.Duration), Lanes: []Lane{}}
	for _, f := range r.Faults {
		label := f.Name + " (" + f.Type + ") on " + f.Target
		if f.Trigger != "" {
			label += "; triggered by " + f.Trigger
		}
		c.Lanes = append(c.Lanes, Lane{Group: "faults", Name: f.Name, Items: []Item{{Start: seconds(f.Start), End: seconds(f.End), Label: label, Class: "fault"}}})
	}
	for _, a := range r.Assertions {
		if l, ok := assertionLane(r.Timeline, a); ok {
			c.Lanes = append(c.Lanes, l)
		}
	}
	c.Lanes = append(c.Lanes, outageLanes(r.Timeline)...)
	c.Lanes = append(c.Lanes, leaseLanes(r.Timeline)...)
	c.Lanes = append(c.Lanes, podLanes(r.Timeline)...)
	c.Lanes = append(c.Lanes, probeLanes(r.Timeline)...)
	end := time.Duration(0)
	if n := len(r.Timeline); n > 0 {
		end = r.Timeline[n-1].At
	}
	c.Duration = max(c.Duration, seconds(end))
	for _, l := range c.Lanes {
		for _, it := range l.Items {
			c.Duration = max(c.Duration, it.End)
		}
	}
	return c
}

// assertionLane is the assertion's window (moment to moment + SLO) and, when
// measured, the recovery.
func assertionLane(events []timeline.Event, a Assertion) (Lane, bool) {
	from, ok := timeline.FindMark(events, a.From)
	if !ok {
		return Lane{}, false
	}
	l := Lane{Group: "assertions", Name: a.Name, Items: []Item{{Start: seconds(from), End: seconds(from + a.SLO),
		Label: fmt.Sprintf("%s %s: SLO %s from %s; %s", a.Name, a.Status, human(a.SLO), a.From, a.Message), Class: "window-" + string(a.Status)}}}
	if a.Measurable {
		at := seconds(from + a.Measured)
		l.Items = append(l.Items, Item{Start: at, End: at, Label: fmt.Sprintf("%s recovered after %s", a.Name, human(a.Measured)), Class: "recovered"})
	}
	return l, true
}

func outageLanes(events []timeline.Event) []Lane {
	var items []Item
	start := -1.0
	for _, e := range events {
		switch {
		case e.Type == timeline.OutageStarted && start < 0:
			start = seconds(e.At)
		case e.Type == timeline.OutageEnded && start >= 0:
			items = append(items, Item{Start: start, End: seconds(e.At), Label: "the apiserver did not answer the harness", Class: "outage"})
			start = -1
		}
	}
	if start >= 0 && len(events) > 0 {
		items = append(items, Item{Start: start, End: seconds(events[len(events)-1].At), Label: "the apiserver did not answer the harness", Class: "outage"})
	}
	if len(items) == 0 {
		return nil
	}
	return []Lane{{Group: "apiserver", Name: "apiserver (as the harness saw it)", Items: items}}
}

// leaseLanes has a point for every holder change of the Leases whose holder
// changed during the run.
func leaseLanes(events []timeline.Event) []Lane {
	holders, lanes := map[string]string{}, map[string]*Lane{}
	for _, e := range events {
		if e.Lease == nil || e.Action == timeline.Deleted {
			continue
		}
		k := e.Key()
		prev, seen := holders[k]
		if seen && prev == e.Lease.Holder {
			continue
		}
		holders[k] = e.Lease.Holder
		if lanes[k] == nil {
			lanes[k] = &Lane{Group: "leases", Name: k}
		}
		lanes[k].Items = append(lanes[k].Items, Item{Start: seconds(e.At), End: seconds(e.At), Label: fmt.Sprintf("%s held by %q", k, e.Lease.Holder), Class: "holder"})
	}
	return sortedLanes(lanes, 2)
}

// sortedLanes returns the lanes with at least minItems items, by name.
func sortedLanes(m map[string]*Lane, minItems int) []Lane {
	var out []Lane
	for _, l := range m {
		if len(l.Items) >= minItems {
			out = append(out, *l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
