package assertions

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/timeline"
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
	New: func(c Common, params any) (Assertion, field.ErrorList) {
		p := params.(*NoCrashLoopParams)
		m, errs := podMatcherOf(p.PodTarget)
		if errs != nil {
			return nil, errs
		}
		return &noCrashLoop{c: c, m: m, container: p.Container}, nil
	},
}

type noCrashLoop struct {
	c         Common
	m         podMatcher
	container string
}

// Evaluate judges the state at the deadline or, when the recorder was
// blind then or the kubelets could not report, the first state seen with
// fresh statuses after it.
func (a *noCrashLoop) Evaluate(v *timeline.View) Verdict {
	w, verdict, ended := endedWindow(a.c, v)
	if !ended {
		return verdict
	}
	s, why := a.m.seenAt(v, w.Deadline)
	if why != "" {
		return pending(a.c, "%s", why)
	}
	states := v.PodsAt(a.m.match, s.settled)
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
	return held(a.c, "no container of %s in CrashLoopBackOff %s after %s", a.m.describe, a.c.Within, a.c.From)
}
