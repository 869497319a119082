package assertions

import (
	"fmt"
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// PodTarget chooses Pods: a control-plane component (a static pod in
// kube-system labelled component=NAME) or namespace + label selector.
type PodTarget = clusters.Workload

type podMatcher struct {
	match    timeline.PodMatch
	describe string
}

// podMatcherOf validates a required target (the fields of params) and
// returns its matcher.
func podMatcherOf(t PodTarget) (podMatcher, field.ErrorList) {
	if errs := t.Validate(field.NewPath("params"), true); len(errs) > 0 {
		return podMatcher{}, errs
	}
	ns, sel := t.PodSelector()
	return podMatcher{
		match:    func(p *timeline.Pod) bool { return p.Namespace == ns && sel.Matches(labels.Set(p.Labels)) },
		describe: t.String(),
	}, nil
}

// seen is what an assertion about Pods may trust of offset t.
type seen struct {
	// trusted is the first offset at or after t from which the Pods' state
	// in the view is what their kubelets reported: after the recorder's
	// relist when t fell in an apiserver outage, and after the kubelets
	// renewed their node Leases when an outage began at or before t.
	trusted time.Duration
	// settled is when the statuses reported at t can no longer change: one
	// kubelet status sync after those renewals (t itself without outage).
	settled time.Duration
}

// seenAt says what of offset t the view can be trusted for, or why it
// cannot be judged yet (a pending reason).
func (m podMatcher) seenAt(v *timeline.View, t time.Duration) (seen, string) {
	at, ok := v.SeenAt(t)
	if !ok {
		return seen{}, fmt.Sprintf("waiting for the recorder to see %s again after the apiserver outage", m.describe)
	}
	f := v.StatusFreshness(v.PodNodes(m.match, at), at)
	if !f.Known {
		return seen{}, fmt.Sprintf("waiting for the kubelet of node %s to renew its Lease after the apiserver outage, so %s show their current status",
			f.WaitNode, m.describe)
	}
	s := seen{trusted: max(t, at), settled: max(t, at)}
	if f.Outage {
		s.trusted, s.settled = max(s.trusted, f.Renewed), max(s.settled, f.From)
	}
	if v.Now() < s.settled {
		return s, fmt.Sprintf("waiting %s after the kubelets reported again for the Pod statuses they send late (%s)",
			timeline.KubeletStatusSync, m.describe)
	}
	return s, ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
