package assertions

import (
	"fmt"
	"strings"
	"time"

	"github.com/harness-dev/harness/internal/timeline"
)

// NoRestartsParams are the parameters of noRestarts.
type NoRestartsParams struct {
	PodTarget `yaml:",inline"`
	Max       int32 `yaml:"max" doc:"restarts allowed in the window (default 0)"`
}

var noRestartsSpec = Spec{
	Type:      "noRestarts",
	Doc:       "no container of the target exits and is restarted (at most max times) between the moment and moment + within",
	NewParams: func() any { return &NoRestartsParams{} },
	New: func(c Common, params any) (Assertion, error) {
		p := params.(*NoRestartsParams)
		m, err := p.matcher()
		if err != nil {
			return nil, err
		}
		if p.Max < 0 {
			return nil, fmt.Errorf("params.max: %d; expected 0 or more", p.Max)
		}
		return &noRestarts{c: c, m: m, max: p.Max}, nil
	},
}

type noRestarts struct {
	c   Common
	m   podMatcher
	max int32
}

// Evaluate compares each Pod's restart count at the end of the window with
// its count at the moment (Pods created later count from zero). It waits a
// little after the window, and for the recorder to see the cluster again
// after an outage, so that restarts observed late are dated by the kubelet.
func (a *noRestarts) Evaluate(events []timeline.Event, now time.Duration) Verdict {
	w, v, ended := endedWindow(a.c, events, now)
	if !ended {
		return v
	}
	if now < w.deadline+restartSettle {
		return pending(a.c, "waiting %s for restarts the kubelet reports late", restartSettle)
	}
	if blindAt(events, now) {
		return pending(a.c, "waiting for the recorder to list %s again after the apiserver outage", a.m.describe)
	}
	if _, why := a.m.freshness(events, a.m.nodesOf(events, now), now, now); why != "" {
		return pending(a.c, "%s", why)
	}
	before := a.m.restartsAt(events, w.from)
	after := a.m.restartsAt(events, w.deadline)
	if len(after) == 0 {
		return failed(a.c, "no pod of %s exists %s after %s", a.m.describe, a.c.Within, a.c.From)
	}
	var total int32
	var which []string
	for _, k := range sortedKeys(after) {
		n := after[k] - before[k]
		if n > 0 {
			total += n
			which = append(which, fmt.Sprintf("%s restarted %d times", k, n))
		}
	}
	if total > a.max {
		return failed(a.c, "%s exited and was restarted %d times in the %s after %s (allowed %d): %s",
			a.m.describe, total, a.c.Within, a.c.From, a.max, strings.Join(which, ", "))
	}
	return Verdict{Status: Passed, SLO: a.c.Within,
		Message: fmt.Sprintf("%s restarted %d times in the %s after %s (allowed %d)", a.m.describe, total, a.c.Within, a.c.From, a.max)}
}
