package assertions

import (
	"testing"

	"github.com/harness-dev/harness/timeline"
)

var appLabels = map[string]string{"app": "selfheal"}

// podOn records a Pod of selfheal-certs on node cp.
func (b *tl) podOn(at float64, ready bool, restarts int32, waiting string) *tl {
	return b.add(at, timeline.Event{Type: timeline.PodObserved, Action: timeline.Updated, Pod: &timeline.Pod{
		Namespace: "selfheal-certs", Name: "selfheal-1", Labels: appLabels, NodeName: "cp", Ready: ready,
		Containers: []timeline.Container{{Name: "c", Ready: ready, RestartCount: restarts, Waiting: waiting, Running: waiting == ""}},
	}})
}

// nodeLease records an observation at `at` of node cp's Lease renewed at
// `renewed`.
func (b *tl) nodeLease(at, renewed float64) *tl { return b.nodeLeaseOf(at, renewed, "cp") }

// nodeLeaseOf records an observation at `at` of node's Lease renewed at
// `renewed`.
func (b *tl) nodeLeaseOf(at, renewed float64, node string) *tl {
	return b.add(at, timeline.Event{Type: timeline.LeaseObserved, Action: timeline.Updated, Lease: &timeline.Lease{
		Namespace: timeline.NodeLeaseNamespace, Name: node, Holder: node, RenewTime: base.Add(s(renewed)),
	}})
}

// certsRun is the timeline of CI's selfheal-certs run whose bug variant
// passed: the apiserver served an expired certificate (outage at 72s, the
// kubelet cannot report either), the revert put the valid one back (the
// recorder relisted at 110.7s), restarted the apiserver (second outage at
// 113s) and the recorder relisted at 126.5s: each relist still showed the
// Pod Ready, as the kubelet last reported it before the first outage.
func certsRun() *tl {
	b := new(tl).podOn(5, true, 0, "").nodeLease(60, 60)
	b.add(72, timeline.Event{Type: timeline.OutageStarted}).add(110.6, timeline.Event{Type: timeline.OutageEnded}).
		podOn(110.7, true, 0, "").nodeLease(110.7, 60).add(110.7, timeline.Event{Type: timeline.Relisted}).
		mark(110.75, "expire.end").
		add(113, timeline.Event{Type: timeline.OutageStarted}).add(126, timeline.Event{Type: timeline.OutageEnded}).
		podOn(126.5, true, 0, "").nodeLease(126.5, 60).add(126.5, timeline.Event{Type: timeline.Relisted})
	return b
}

func TestComponentReadyWaitsForTheKubeletAfterAnOutage(t *testing.T) {
	t.Parallel()
	c := Common{Name: "ready-again", From: "expire.end", Within: s(120)}
	params := &ComponentReadyParams{PodTarget: PodTarget{Namespace: "selfheal-certs", Selector: "app=selfheal"}}
	bug := func() *tl { return certsRun().nodeLease(128, 127.9).podOn(129, false, 0, "") }
	tests := []verdictCase{
		{"stale Ready after the relist is no pass", certsRun(), 137, Pending,
			[]string{"waiting for the kubelet of node cp to renew its Lease"}},
		{"a renewal before the last outage does not count", certsRun().nodeLease(112, 111.9), 137, Pending,
			[]string{"node cp"}},
		{"waits one status sync after the renewal", certsRun().nodeLease(128, 127.9), 137, Pending,
			[]string{"waiting 10s after the kubelets reported again"}},
		{"bug: NotReady reported late is seen", bug(), 140, Pending, []string{"not Ready yet"}},
		{"bug: fails at the deadline", bug(), 231, Failed, []string{"not Ready within 2m0s after expire.end"}},
		{"fixed: Ready again after the late NotReady passes", bug().podOn(170, true, 0, ""), 181, Passed,
			[]string{"Ready 59.2s after expire.end"}},
		{"Ready all along counts from the relist once the kubelet is fresh", certsRun().nodeLease(128, 127.9), 138.1, Passed,
			[]string{"Ready 17.2s after expire.end"}},
		{"node Lease not recorded: a renewal and a sync after the relist", new(tl).podOn(5, true, 0, "").
			add(72, timeline.Event{Type: timeline.OutageStarted}).mark(80, "expire.end").
			add(90, timeline.Event{Type: timeline.Relisted}), 109, Pending, []string{"waiting 10s"}},
		{"node Lease not recorded: judged after that sync", new(tl).podOn(5, true, 0, "").
			add(72, timeline.Event{Type: timeline.OutageStarted}).mark(80, "expire.end").
			add(90, timeline.Event{Type: timeline.Relisted}), 111, Passed, []string{"Ready 20.0s after expire.end"}},
	}
	runVerdicts(t, "componentReady", c, params, tests)
}

func TestRestartsAreJudgedOnFreshStatuses(t *testing.T) {
	t.Parallel()
	c := Common{Name: "no-exit", From: "expire.end", Within: s(20)}
	target := PodTarget{Namespace: "selfheal-certs", Selector: "app=selfheal"}
	nr := build(t, "noRestarts", c, &NoRestartsParams{PodTarget: target})
	expect(t, nr.Evaluate(timeline.NewView(certsRun().events, s(160))), Pending, "renew its Lease")
	late := certsRun().nodeLease(128, 127.9).exitedOn(130, 1, 120)
	expect(t, nr.Evaluate(timeline.NewView(late.events, s(137))), Pending, "waiting 10s")
	expect(t, nr.Evaluate(timeline.NewView(late.events, s(160))), Failed, "restarted 1 times")
	checkStable(t, nr, late.events)

	ncl := build(t, "noCrashLoop", c, &NoCrashLoopParams{PodTarget: target})
	expect(t, ncl.Evaluate(timeline.NewView(certsRun().events, s(160))), Pending, "renew its Lease")
	looping := certsRun().nodeLease(128, 127.9).podOn(131, false, 3, "CrashLoopBackOff")
	expect(t, ncl.Evaluate(timeline.NewView(looping.events, s(137))), Pending, "waiting 10s")
	expect(t, ncl.Evaluate(timeline.NewView(looping.events, s(139))), Failed, "in CrashLoopBackOff")
	checkStable(t, ncl, looping.events)
}

// exitedOn records the Pod restarted, its container last exiting at
// lastExit.
func (b *tl) exitedOn(at float64, restarts int32, lastExit float64) *tl {
	b.podOn(at, true, restarts, "")
	b.events[len(b.events)-1].Pod.Containers[0].LastExit = base.Add(s(lastExit))
	return b
}
