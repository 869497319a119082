package assertions

import (
	"testing"

	"github.com/harness-dev/harness/timeline"
)

// apiserverPod records the kube-apiserver static pod of node cp.
func (b *tl) apiserverPod(at float64, uid string, ready bool, restarts int32) *tl {
	return b.add(at, timeline.Event{Type: timeline.PodObserved, Action: timeline.Updated, Pod: &timeline.Pod{
		Namespace: "kube-system", Name: "kube-apiserver-cp", UID: uid, NodeName: "cp",
		Labels: map[string]string{"component": "kube-apiserver"}, Ready: ready,
		Containers: []timeline.Container{{Name: "kube-apiserver", Ready: ready, RestartCount: restarts, Running: true}},
	}})
}

// staticPodEditRun is the run of ../shared/cases/verdicts
// (static-pod-edit-after-kubelet-restart): the kubelet is stopped for 5s,
// the kube-apiserver manifest is rewritten at 45.5s (the apiserver goes
// down), the recorder relists at 84.8s, the new pod runs at 94.7s and is
// Ready at 102.0s, without interruption until the manifest is restored at
// 135.7s; the restore's pod is Ready at 192.2s.
func staticPodEditRun() *tl {
	b := new(tl).apiserverPod(1, "a", true, 0)
	for at := 5.0; at < 30; at += 10 {
		b.nodeLease(at, at)
	}
	b.mark(30, "restart-kubelet.start").mark(35, "restart-kubelet.end").nodeLease(36, 36).mark(45.5, "edit-apiserver.start").
		add(46, timeline.Event{Type: timeline.OutageStarted}).add(84.5, timeline.Event{Type: timeline.OutageEnded}).
		apiserverPod(84.8, "b", false, 0).nodeLease(84.8, 80).add(84.8, timeline.Event{Type: timeline.Relisted}).
		nodeLease(90, 90).apiserverPod(94.7, "b", false, 0).nodeLease(100, 100).apiserverPod(102, "b", true, 0)
	for at := 110.0; at < 136; at += 10 {
		b.nodeLease(at, at)
	}
	b.mark(135.7, "edit-apiserver.end").
		add(136.5, timeline.Event{Type: timeline.OutageStarted}).add(170, timeline.Event{Type: timeline.OutageEnded}).
		apiserverPod(170.2, "c", false, 0).nodeLease(170.2, 168).add(170.2, timeline.Event{Type: timeline.Relisted}).
		nodeLease(178, 178).apiserverPod(192.2, "c", true, 0)
	for at := 198.0; at < 400; at += 10 {
		b.nodeLease(at, at)
	}
	return b
}

// TestStaticPodEditVerdict: the kube-apiserver Ready 56.5s after the edit,
// within its 75s SLO, passes whenever it is judged, also after the
// restore's later restart (it failed when judged late over that restart).
func TestStaticPodEditVerdict(t *testing.T) {
	t.Parallel()
	a := build(t, "componentReady", Common{Name: "apiserver-after-edit", From: "edit-apiserver.start", Within: s(75)},
		&ComponentReadyParams{PodTarget: PodTarget{Component: "kube-apiserver"}, Stable: "5s"})
	run := staticPodEditRun()
	for _, now := range []float64{107.1, 121, 140, 200, 400} {
		expect(t, a.Evaluate(timeline.NewView(run.events, s(now))), Passed, "Ready 56.5s after edit-apiserver.start")
	}
	checkStable(t, a, run.events)
	after := build(t, "componentReady", Common{Name: "apiserver-after-restore", From: "edit-apiserver.end", Within: s(90)},
		&ComponentReadyParams{PodTarget: PodTarget{Component: "kube-apiserver"}})
	expect(t, after.Evaluate(timeline.NewView(run.events, s(400))), Passed, "Ready 56.5s after edit-apiserver.end")
	checkStable(t, after, run.events)
}
