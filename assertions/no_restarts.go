package assertions

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/timeline"
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
	New: func(c Common, params any) (Assertion, field.ErrorList) {
		p := params.(*NoRestartsParams)
		m, errs := podMatcherOf(p.PodTarget)
		if errs != nil {
			return nil, errs
		}
		if p.Max < 0 {
			return nil, field.ErrorList{field.Invalid(field.NewPath("params", "max"), p.Max, "expected 0 or more")}
		}
		return &noRestarts{c: c, m: m, max: p.Max}, nil
	},
}

// restartSettle is how long after its window noRestarts waits for restarts
// that the kubelet reports late (its status updates lag the container).
const restartSettle = 5 * time.Second

type noRestarts struct {
	c   Common
	m   podMatcher
	max int32
}

// Evaluate compares each Pod's restart count at the end of the window with
// its count at the moment (Pods created later count from zero), restarts
// dated by the kubelet. It waits a little after the window, and for the
// recorder and the kubelets to report again after an outage, so that
// restarts observed late are counted; it decides on the events up to then.
func (a *noRestarts) Evaluate(v *timeline.View) Verdict {
	w, verdict, ended := endedWindow(a.c, v)
	if !ended {
		return verdict
	}
	if v.Now() < w.Deadline+restartSettle {
		return pending(a.c, "waiting %s for restarts the kubelet reports late", restartSettle)
	}
	s, why := a.m.seenAt(v, w.Deadline)
	if why != "" {
		return pending(a.c, "%s", why)
	}
	// The kubelets must have reported after the window (a stopped kubelet
	// reports its containers' exits only when it runs again).
	reported, node, ok := v.ReportedAfter(v.PodNodes(a.m.match, s.settled), w.Deadline)
	if !ok {
		return pending(a.c, "waiting for the kubelet of node %s to report after the window (its node Lease renewed), so restarts in the window are known", node)
	}
	decided := max(w.Deadline+restartSettle, s.settled, reported+restartSettle)
	if v.Now() < decided {
		return pending(a.c, "waiting %s for restarts the kubelet reports late", restartSettle)
	}
	v = v.Until(decided)
	before := v.RestartsAt(a.m.match, w.From)
	after := v.RestartsAt(a.m.match, w.Deadline)
	if len(after) == 0 {
		return failed(a.c, "no pod of %s exists %s after %s", a.m.describe, a.c.Within, a.c.From)
	}
	var total int32
	var which []string
	for _, k := range sortedKeys(after) {
		if n := after[k] - before[k]; n > 0 {
			total += n
			which = append(which, fmt.Sprintf("%s restarted %d times", k, n))
		}
	}
	if total > a.max {
		return failed(a.c, "%s exited and was restarted %d times in the %s after %s (allowed %d): %s",
			a.m.describe, total, a.c.Within, a.c.From, a.max, strings.Join(which, ", "))
	}
	return held(a.c, "%s restarted %d times in the %s after %s (allowed %d)", a.m.describe, total, a.c.Within, a.c.From, a.max)
}
