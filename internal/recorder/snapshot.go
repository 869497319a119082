package recorder

import (
	"fmt"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/harness-dev/harness/internal/timeline"
)

// snapshot turns a watched object into a timeline event without stamp.
func snapshot(obj any) (timeline.Event, bool) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	switch o := obj.(type) {
	case *corev1.Pod:
		return timeline.Event{Type: timeline.PodObserved, Pod: podSnapshot(o)}, true
	case *coordinationv1.Lease:
		return timeline.Event{Type: timeline.LeaseObserved, Lease: leaseSnapshot(o)}, true
	case *corev1.Node:
		return timeline.Event{Type: timeline.NodeObserved, Node: &timeline.Node{Name: o.Name, Ready: nodeReady(o)}}, true
	case *corev1.Event:
		return timeline.Event{Type: timeline.KubeEvent, Kube: &timeline.KubeEvt{
			Namespace: o.Namespace, Object: o.InvolvedObject.Kind + "/" + o.InvolvedObject.Name,
			Reason: o.Reason, Message: o.Message, Type: o.Type,
		}}, true
	}
	return timeline.Event{}, false
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

// fingerprint identifies what of a snapshot matters for change detection.
func fingerprint(e timeline.Event) string {
	switch {
	case e.Pod != nil:
		return fmt.Sprintf("%s|%v|%s|%v|%+v", e.Pod.UID, e.Pod.Ready, e.Pod.Phase, e.Pod.NodeName, e.Pod.Containers)
	case e.Lease != nil:
		return fmt.Sprintf("%s|%s|%s", e.Lease.Holder, e.Lease.RenewTime, e.Lease.AcquireTime)
	case e.Node != nil:
		return fmt.Sprint(e.Node.Ready)
	case e.Kube != nil:
		return e.Kube.Reason + "|" + e.Kube.Message
	}
	return ""
}

func typeKey(e timeline.Event) string { return string(e.Type) + "/" + e.Key() }
