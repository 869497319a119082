package assertions

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/timeline"
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
	New: func(c Common, params any) (Assertion, field.ErrorList) {
		p := params.(*ComponentReadyParams)
		m, errs := podMatcherOf(p.PodTarget)
		if errs != nil {
			return nil, errs
		}
		stable := 10 * time.Second
		if p.Stable != "" {
			d, err := time.ParseDuration(p.Stable)
			if err != nil || d < 0 || d > c.Within {
				return nil, field.ErrorList{field.Invalid(field.NewPath("params", "stable"), p.Stable,
					fmt.Sprintf("expected a duration from 0 up to the SLO (%s), such as 10s", c.Within))}
			}
			stable = d
		}
		return &componentReady{c: c, m: m, stable: stable}, nil
	},
}

type componentReady struct {
	c      Common
	m      podMatcher
	stable time.Duration
}

// Evaluate looks for the first span in which every Pod of the target was
// Ready, starting within the window and lasting the stable time. A span is
// counted from when the recorder and the kubelets could show it (after an
// outage: from the relist and the kubelets' first renewal on). A span that
// began before the moment with no Pod observed since counts only at the
// deadline: the kubelet may not have reported the fault yet. The verdict
// depends on the events up to the end of the span's stable time only,
// whenever it is evaluated.
func (a *componentReady) Evaluate(v *timeline.View) Verdict {
	w, verdict, ok := window(a.c, v)
	if !ok {
		return verdict
	}
	late := time.Duration(-1) // a span that started only after the deadline
	for _, span := range v.ReadyIntervals(a.m.match) {
		if !span.Open() && span.End <= w.From {
			continue
		}
		if span.Start > w.Deadline {
			if late < 0 {
				late = span.Start
			}
			break
		}
		verdict, decided, start := a.span(v, w, span)
		if decided {
			return verdict
		}
		if start > w.Deadline && late < 0 {
			late = start
		}
	}
	if v.Now() < w.Deadline {
		return pending(a.c, "%s not Ready yet", a.m.describe)
	}
	state := "not Ready at the end of the window"
	if late >= 0 {
		state = fmt.Sprintf("Ready only %s after %s", secs(late-w.From), a.c.From)
	}
	return failed(a.c, "%s not Ready within %s after %s (%s; %s)", a.m.describe, a.c.Within, a.c.From, state,
		a.restarts(v, w.From, max(w.Deadline, v.Now())))
}

// span judges one Ready span: decided with a verdict (passed, or pending
// while it cannot be told yet), or not decided when it does not count.
// start is when the span counts from.
func (a *componentReady) span(v *timeline.View, w timeline.Window, span timeline.Interval) (Verdict, bool, time.Duration) {
	s, why := a.m.seenAt(v, max(span.Start, w.From))
	if why != "" {
		return pending(a.c, "%s", why), true, 0
	}
	start := s.trusted
	if start > w.Deadline {
		return Verdict{}, false, start
	}
	// Unchanged since before the moment: only the deadline tells.
	unchanged := span.Start <= w.From && start == w.From && !a.observedIn(v, w.From, span)
	end := w.Deadline
	if !unchanged {
		end = start + a.stable
	}
	if !span.Open() && span.End < end {
		return Verdict{}, false, start // it did not last
	}
	if v.Now() < end {
		if unchanged {
			return pending(a.c, "%s not Ready yet", a.m.describe), true, start
		}
		return pending(a.c, "%s Ready since %s after %s; waiting %s for it to stay Ready", a.m.describe,
			secs(start-w.From), a.c.From, a.stable), true, start
	}
	// The span must be seen to last: through any outage in it, up to
	// fresh statuses after it.
	done, why := a.m.seenAt(v, end)
	if why != "" {
		return pending(a.c, "%s", why), true, start
	}
	if !span.Open() && span.End < done.settled {
		return Verdict{}, false, start
	}
	return passed(a.c, start-w.From, "%s Ready %s after %s and stayed Ready for %s (SLO %s; %s)",
		a.m.describe, secs(start-w.From), a.c.From, a.stable, a.c.Within, a.restarts(v, w.From, done.settled)), true, start
}

// observedIn reports whether a Pod of the target was observed after from
// within the span (its end excluded).
func (a *componentReady) observedIn(v *timeline.View, from time.Duration, span timeline.Interval) bool {
	end := v.Now()
	if !span.Open() {
		end = span.End - 1
	}
	return end > from && v.Until(end).PodObservedAfter(a.m.match, from)
}

// restarts describes how many container restarts happened between from and to.
func (a *componentReady) restarts(v *timeline.View, from, to time.Duration) string {
	before := v.PodsAt(a.m.match, from)
	var n int32
	for k, e := range v.PodsAt(a.m.match, to) {
		n += e.Pod.Restarts()
		if b, ok := before[k]; ok {
			n -= b.Pod.Restarts()
		}
	}
	return fmt.Sprintf("restarts since %s: %d", a.c.From, max(n, 0))
}
