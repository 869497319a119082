package trigger

import (
	"context"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
)

// PodConditionParams are the parameters of the podCondition trigger.
type PodConditionParams struct {
	Namespace string `yaml:"namespace" doc:"namespace of the Pods"`
	Selector  string `yaml:"selector" doc:"label selector of the Pods"`
	Condition string `yaml:"condition" doc:"Pod condition type (default Ready): Ready, ContainersReady, PodScheduled, Initialized, PodReadyToStartContainers"`
	Status    string `yaml:"status" doc:"the status the condition changes to: True or False"`
}

var podConditionSpec = Spec{
	Type:      "podCondition",
	Doc:       "a condition of a Pod chosen by namespace and selector changes to a status (e.g. Ready becomes False)",
	NewParams: func() any { return &PodConditionParams{} },
	New:       newPodCondition,
}

var conditionStatuses = []string{"True", "False"}

func newPodCondition(params any) (Trigger, field.ErrorList) {
	p := *params.(*PodConditionParams)
	path := field.NewPath("params")
	errs := clusters.ValidateNamespace(path.Child("namespace"), p.Namespace)
	errs = append(errs, clusters.ValidateSelector(path.Child("selector"), p.Selector)...)
	if p.Condition == "" {
		p.Condition = string(corev1.PodReady)
	}
	if !slices.Contains(conditionStatuses, p.Status) {
		errs = append(errs, field.NotSupported(path.Child("status"), p.Status, conditionStatuses))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &podCondition{p: p, seen: map[types.UID]string{}}, nil
}

type podCondition struct {
	p PodConditionParams
	// seen holds the last status of each Pod's condition.
	seen map[types.UID]string
}

func (t *podCondition) Wait(ctx context.Context, env Env) (Fired, error) {
	t.seen = map[types.UID]string{}
	pods := env.Client.CoreV1().Pods(t.p.Namespace)
	lw := listWatch(env.Client, "", t.p.Selector, pods.List, pods.Watch)
	return watchUntil(ctx, env, lw, &corev1.Pod{}, t.match, nil)
}

// match fires when a Pod's condition changes to the wanted status after
// arming; a Pod created after arming with that status counts too.
func (t *podCondition) match(c change) (Fired, bool) {
	if c.cur == nil {
		return Fired{}, false
	}
	pod := c.cur.(*corev1.Pod)
	status, since := t.condition(pod)
	before, known := t.seen[pod.UID]
	t.seen[pod.UID] = status
	if c.initial || status != t.p.Status || (known && before == status) {
		return Fired{}, false
	}
	return fired(since, fmt.Sprintf("pod %s/%s condition %s=%s", pod.Namespace, pod.Name, t.p.Condition, status)), true
}

func (t *podCondition) condition(p *corev1.Pod) (string, time.Time) {
	for _, c := range p.Status.Conditions {
		if string(c.Type) == t.p.Condition {
			return string(c.Status), c.LastTransitionTime.Time
		}
	}
	return "", time.Time{}
}
