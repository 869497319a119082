package assertions

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/internal/timeline"
)

// PodTarget chooses Pods: a control-plane component (a static pod in
// kube-system labelled component=NAME) or namespace + label selector.
type PodTarget struct {
	Component string `yaml:"component" doc:"control-plane component: kube-apiserver, kube-controller-manager, kube-scheduler or etcd"`
	Namespace string `yaml:"namespace" doc:"namespace of the Pods (with selector)"`
	Selector  string `yaml:"selector" doc:"label selector of the Pods (with namespace)"`
}

type podMatcher struct {
	namespace string
	selector  labels.Selector
	describe  string
}

func (t PodTarget) matcher() (podMatcher, error) {
	switch {
	case t.Component != "" && t.Selector != "":
		return podMatcher{}, fmt.Errorf("params: set either component or namespace+selector, not both")
	case t.Component != "":
		if slices.Contains(clusters.Components, t.Component) {
			return podMatcher{namespace: "kube-system", selector: labels.SelectorFromSet(labels.Set{"component": t.Component}),
				describe: "component " + t.Component}, nil
		}
		return podMatcher{}, fmt.Errorf("params.component: unknown component %q; valid: %s", t.Component, strings.Join(clusters.Components, ", "))
	case t.Selector != "" && t.Namespace != "":
		sel, err := labels.Parse(t.Selector)
		if err != nil {
			return podMatcher{}, fmt.Errorf("params.selector: %w", err)
		}
		return podMatcher{namespace: t.Namespace, selector: sel, describe: fmt.Sprintf("pods %s in %s", t.Selector, t.Namespace)}, nil
	}
	return podMatcher{}, fmt.Errorf("params: want component, or namespace and selector")
}

func (m podMatcher) matches(e timeline.Event) bool {
	return e.Type == timeline.PodObserved && e.Pod.Namespace == m.namespace && m.selector.Matches(labels.Set(e.Pod.Labels))
}

// podStates replays the Pod observations up to offset until and returns the
// latest state of every matching Pod that exists then.
func (m podMatcher) podStates(events []timeline.Event, until time.Duration) map[string]timeline.Event {
	out := map[string]timeline.Event{}
	for _, e := range events {
		if e.At > until {
			break
		}
		if !m.matches(e) {
			continue
		}
		if e.Action == "deleted" {
			delete(out, e.Key())
			continue
		}
		out[e.Key()] = e
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func restarts(e timeline.Event) int32 {
	var n int32
	for _, c := range e.Pod.Containers {
		n += c.RestartCount
	}
	return n
}
