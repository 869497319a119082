package assertions

import (
	"fmt"
	"strings"
	"time"

	"github.com/harness-dev/harness/internal/timeline"
)

// NoCrashLoopParams are the parameters of noCrashLoop.
type NoCrashLoopParams struct {
	PodTarget `yaml:",inline"`
	Container string `yaml:"container" doc:"only this container (default: every container)"`
}

var noCrashLoopSpec = Spec{
	Type:      "noCrashLoop",
	Doc:       "at the end of the window (moment + within), no container of the target is in CrashLoopBackOff",
	NewParams: func() any { return &NoCrashLoopParams{} },
	New: func(c Common, params any) (Assertion, error) {
		p := params.(*NoCrashLoopParams)
		m, err := p.matcher()
		if err != nil {
			return nil, err
		}
		return &noCrashLoop{c: c, m: m, container: p.Container}, nil
	},
}

type noCrashLoop struct {
	c         Common
	m         podMatcher
	container string
}

func (a *noCrashLoop) Evaluate(events []timeline.Event, now time.Duration) Verdict {
	w, v, ended := endedWindow(a.c, events, now)
	if !ended {
		return v
	}
	// Judged on the state at the deadline, or, when the recorder was blind
	// then, on the state it saw first after the outage.
	at, seen := visibleAt(events, w.deadline)
	if !seen {
		return pending(a.c, "waiting for the recorder to see %s again after the apiserver outage", a.m.describe)
	}
	// After an outage the kubelets report late: judge on their first
	// fresh statuses.
	fresh, why := a.m.freshness(events, a.m.nodesOf(events, at), at, now)
	if why != "" {
		return pending(a.c, "%s", why)
	}
	at = max(at, fresh)
	states := a.m.podStates(events, at)
	if len(states) == 0 {
		return failed(a.c, "no pod of %s exists %s after %s", a.m.describe, a.c.Within, a.c.From)
	}
	var looping []string
	for _, k := range sortedKeys(states) {
		for _, c := range states[k].Pod.Containers {
			if (a.container == "" || c.Name == a.container) && c.Waiting == "CrashLoopBackOff" {
				looping = append(looping, fmt.Sprintf("%s/%s (restarts %d)", k, c.Name, c.RestartCount))
			}
		}
	}
	if len(looping) > 0 {
		return failed(a.c, "%s in CrashLoopBackOff %s after %s: %s", a.m.describe, a.c.Within, a.c.From, strings.Join(looping, ", "))
	}
	return Verdict{Status: Passed, SLO: a.c.Within,
		Message: fmt.Sprintf("no container of %s in CrashLoopBackOff %s after %s", a.m.describe, a.c.Within, a.c.From)}
}
