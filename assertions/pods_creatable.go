package assertions

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// PodsCreatableParams are the parameters of podsCreatable.
type PodsCreatableParams struct {
	Namespace string `yaml:"namespace" doc:"namespace of the probe Deployment (default default)"`
	Replicas  int32  `yaml:"replicas" doc:"replicas the probe Deployment is scaled to at the moment (default 2)"`
	Ready     bool   `yaml:"ready" doc:"also require the new Pods to be Ready"`
	Node      string `yaml:"node" doc:"pin the probe Pods to these nodes: a name, a role (control-plane, worker) or a role and index (worker2); default any node"`
}

// ProbeLabel marks the Pods of an assertion's probe Deployment.
const ProbeLabel = "harness.dev/probe"

var podsCreatableSpec = Spec{
	Type:      "podsCreatable",
	Doc:       "a probe Deployment scaled up at the moment gets its new Pods created (optionally Ready) within the SLO",
	NewParams: func() any { return &PodsCreatableParams{} },
	New: func(c Common, params any) (Assertion, field.ErrorList) {
		p := *params.(*PodsCreatableParams)
		path := field.NewPath("params")
		if p.Namespace == "" {
			p.Namespace = "default"
		}
		if p.Replicas == 0 {
			p.Replicas = 2
		}
		if p.Replicas < 0 || p.Replicas > 50 {
			return nil, field.ErrorList{field.Invalid(path.Child("replicas"), p.Replicas, "want 1 to 50")}
		}
		if errs := clusters.ValidateNamespace(path.Child("namespace"), p.Namespace); errs != nil {
			return nil, errs
		}
		if errs := clusters.ValidateNode(path.Child("node"), p.Node); errs != nil {
			return nil, errs
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
	return Probe{Deployment: &DeploymentProbe{Namespace: a.p.Namespace, Name: a.deployment, Replicas: a.p.Replicas,
		Labels: map[string]string{ProbeLabel: a.c.Name}, Node: a.p.Node}}
}

func (a *podsCreatable) Evaluate(v *timeline.View) Verdict {
	w, verdict, ok := window(a.c, v)
	if !ok {
		return verdict
	}
	what := fmt.Sprintf("pods of probe deployment %s/%s", a.p.Namespace, a.deployment)
	if a.p.Node != "" {
		what += " on node " + a.p.Node
	}
	start, ok := v.Moment(timeline.ProbeStarted(a.c.Name))
	if !ok {
		if v.Now() < w.Deadline {
			return pending(a.c, "probe not started yet")
		}
		return failed(a.c, "%s not created within %s after %s: the probe could not be started (the apiserver did not accept the scale-up)",
			what, a.c.Within, a.c.From)
	}
	start = max(start, w.From)
	seen := map[string]bool{}
	for _, e := range v.Events() {
		if e.At < start || e.Type != timeline.PodObserved || e.Action == timeline.Deleted ||
			e.Pod.Namespace != a.p.Namespace || e.Pod.Labels[ProbeLabel] != a.c.Name || (a.p.Ready && !e.Pod.Ready) {
			continue
		}
		seen[e.Key()] = true
		if int32(len(seen)) >= a.p.Replicas && e.At-w.From <= a.c.Within {
			return passed(a.c, e.At-w.From, "%s %s %d of %d %s after %s (SLO %s)",
				what, a.verb(), len(seen), a.p.Replicas, secs(e.At-w.From), a.c.From, a.c.Within)
		}
	}
	if v.Now() < w.Deadline {
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
