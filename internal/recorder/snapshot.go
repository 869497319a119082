package recorder

import (
	"encoding/json"
	"fmt"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/cache"

	"github.com/harness-dev/harness/timeline"
)

// observation is one watched object turned into an unstamped timeline event.
type observation struct {
	ev  timeline.Event
	key string // kind/namespace/name of the watched object itself
	fp  string // what change detection compares
}

// snapshot turns a watched object, or the tombstone of a deleted one, into
// an observation.
func snapshot(obj any) (observation, bool) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	var (
		ev    timeline.Event
		extra string // state that matters but is not in the snapshot
	)
	switch o := obj.(type) {
	case *corev1.Pod:
		ev = timeline.Event{Type: timeline.PodObserved, Pod: podSnapshot(o)}
	case *coordinationv1.Lease:
		ev = timeline.Event{Type: timeline.LeaseObserved, Lease: leaseSnapshot(o)}
	case *corev1.Node:
		ev = timeline.Event{Type: timeline.NodeObserved, Node: &timeline.Node{Name: o.Name, Ready: nodeReady(o)}}
	case *corev1.Event:
		ev = timeline.Event{Type: timeline.KubeEvent, Kube: kubeEventSnapshot(o)}
		extra = eventRepeat(o)
	case *unstructured.Unstructured:
		so, err := objectSnapshot(o)
		if err != nil {
			return observation{}, false
		}
		ev = timeline.Event{Type: timeline.ObjectObserved, Object: so}
	default:
		return observation{}, false
	}
	name, err := cache.MetaNamespaceKeyFunc(obj)
	if err != nil {
		return observation{}, false
	}
	if ev.Object != nil {
		name = ev.Object.APIVersion + "/" + ev.Object.Kind + "/" + name
	}
	return observation{ev: ev, key: string(ev.Type) + "/" + name, fp: fingerprint(ev) + extra}, true
}

func podSnapshot(p *corev1.Pod) *timeline.Pod {
	s := &timeline.Pod{
		Namespace: p.Namespace, Name: p.Name, UID: string(p.UID), Labels: p.Labels,
		NodeName: p.Spec.NodeName, Phase: string(p.Status.Phase), Created: p.CreationTimestamp.Time,
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			s.Ready = c.Status == corev1.ConditionTrue
		}
	}
	for _, cs := range p.Status.ContainerStatuses {
		c := timeline.Container{Name: cs.Name, Ready: cs.Ready, RestartCount: cs.RestartCount, Running: cs.State.Running != nil}
		if cs.State.Waiting != nil {
			c.Waiting = cs.State.Waiting.Reason
		}
		if t := cs.LastTerminationState.Terminated; t != nil {
			c.LastExit = t.FinishedAt.Time
		}
		s.Containers = append(s.Containers, c)
	}
	return s
}

func leaseSnapshot(l *coordinationv1.Lease) *timeline.Lease {
	s := &timeline.Lease{Namespace: l.Namespace, Name: l.Name}
	if l.Spec.HolderIdentity != nil {
		s.Holder = *l.Spec.HolderIdentity
	}
	if l.Spec.RenewTime != nil {
		s.RenewTime = l.Spec.RenewTime.Time
	}
	if l.Spec.AcquireTime != nil {
		s.AcquireTime = l.Spec.AcquireTime.Time
	}
	if l.Spec.LeaseDurationSeconds != nil {
		s.DurationSecs = *l.Spec.LeaseDurationSeconds
	}
	if l.Spec.LeaseTransitions != nil {
		s.Transitions = *l.Spec.LeaseTransitions
	}
	return s
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func kubeEventSnapshot(e *corev1.Event) *timeline.KubeEvt {
	return &timeline.KubeEvt{
		Namespace: e.Namespace, Object: e.InvolvedObject.Kind + "/" + e.InvolvedObject.Name,
		Reason: e.Reason, Message: e.Message, Type: e.Type,
	}
}

// eventRepeat identifies an occurrence of a repeated Event, so that a
// repetition is recorded but a relist of the same occurrence is not.
func eventRepeat(e *corev1.Event) string {
	s := fmt.Sprintf("|%d|%s", e.Count, e.LastTimestamp.UTC())
	if e.Series != nil {
		s += fmt.Sprintf("|%d|%s", e.Series.Count, e.Series.LastObservedTime.UTC())
	}
	return s
}

// fingerprint serialises the snapshot of e; JSON sorts map keys, so equal
// snapshots give equal fingerprints.
func fingerprint(e timeline.Event) string {
	var v any
	switch {
	case e.Pod != nil:
		v = e.Pod
	case e.Lease != nil:
		v = e.Lease
	case e.Node != nil:
		v = e.Node
	case e.Kube != nil:
		v = e.Kube
	case e.Object != nil:
		return string(e.Object.Content) // with its resourceVersion: a relist of the same version is no change
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return string(b)
}
