package assertions

import (
	"fmt"
	"strings"
	"time"

	"github.com/harness-dev/harness/internal/timeline"
)

// PodsCreatableParams are the parameters of podsCreatable.
type PodsCreatableParams struct {
	Namespace string `yaml:"namespace" doc:"namespace of the probe Deployment (default default)"`
	Replicas  int32  `yaml:"replicas" doc:"replicas the probe Deployment is scaled to at the moment (default 2)"`
	Ready     bool   `yaml:"ready" doc:"also require the new Pods to be Ready"`
}

// ProbeLabel marks the Pods of an assertion's probe Deployment.
const ProbeLabel = "harness.dev/probe"

var podsCreatableSpec = Spec{
	Type:      "podsCreatable",
	Doc:       "a probe Deployment scaled up at the moment gets its new Pods created (optionally Ready) within the SLO",
	NewParams: func() any { return &PodsCreatableParams{} },
	New: func(c Common, params any) (Assertion, error) {
		p := *params.(*PodsCreatableParams)
		if p.Namespace == "" {
			p.Namespace = "default"
		}
		if p.Replicas == 0 {
			p.Replicas = 2
		}
		if p.Replicas < 0 || p.Replicas > 50 {
			return nil, fmt.Errorf("params.replicas: %d; want 1 to 50", p.Replicas)
		}
		return &podsCreatable{c: c, p: p, deployment: "harness-probe-" + strings.ToLower(c.Name)}, nil
	},
}

type podsCreatable struct {
	c          Common
	p          PodsCreatableParams
	deployment string
}

// Probe asks the runner for a probe Deployment scaled up at the moment.
func (a *podsCreatable) Probe() Probe {
	return Probe{Namespace: a.p.Namespace, Deployment: a.deployment, Replicas: a.p.Replicas,
		Labels: map[string]string{ProbeLabel: a.c.Name}}
}

func (a *podsCreatable) Evaluate(events []timeline.Event, now time.Duration) Verdict {
	w, ok := windowOf(a.c, events)
	if !ok {
		return pending(a.c, "waiting for moment %s", a.c.From)
	}
	what := fmt.Sprintf("pods of probe deployment %s/%s", a.p.Namespace, a.deployment)
	start, ok := timeline.FindMark(events, ProbeMark(a.c.Name))
	if !ok {
		if now < w.deadline {
			return pending(a.c, "probe not started yet")
		}
		return failed(a.c, "%s not created within %s after %s: the probe could not be started (the apiserver did not accept the scale-up)",
			what, a.c.Within, a.c.From)
	}
	start = max(start, w.from)
	seen := map[string]bool{}
	for _, e := range events {
		if e.At < start || e.Type != timeline.PodObserved || e.Action == "deleted" ||
			e.Pod.Namespace != a.p.Namespace || e.Pod.Labels[ProbeLabel] != a.c.Name || (a.p.Ready && !e.Pod.Ready) {
			continue
		}
		seen[e.Key()] = true
		if int32(len(seen)) >= a.p.Replicas && e.At-w.from <= a.c.Within {
			return passed(a.c, e.At-w.from, "%s %s %d of %d %s after %s (SLO %s)",
				what, a.verb(), len(seen), a.p.Replicas, secs(e.At-w.from), a.c.From, a.c.Within)
		}
	}
	if now < w.deadline {
		return pending(a.c, "%s: %d of %d %s so far", what, len(seen), a.p.Replicas, a.verb())
	}
	return failed(a.c, "%s not %s within %s after %s: %d of %d %s", what, a.verb(), a.c.Within, a.c.From,
		len(seen), a.p.Replicas, a.verb())
}

func (a *podsCreatable) verb() string {
	if a.p.Ready {
		return "Ready"
	}
	return "created"
}
