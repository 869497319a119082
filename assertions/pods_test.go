package assertions

import (
	"testing"

	"github.com/harness-dev/harness/timeline"
)

var kcmLabels = map[string]string{"component": "kube-controller-manager"}

func TestComponentReady(t *testing.T) {
	t.Parallel()
	c := Common{Name: "kcm", From: "kill.end", Within: s(60)}
	params := &ComponentReadyParams{PodTarget: PodTarget{Component: "kube-controller-manager"}}
	pod := "kcm-node"
	tests := []verdictCase{
		{"restarted and stable passes", new(tl).pod(1, pod, kcmLabels, true, 0, "").mark(10, "kill.end").
			pod(12, pod, kcmLabels, false, 1, "").pod(30, pod, kcmLabels, true, 1, ""), 41, Passed,
			[]string{"Ready 20.0s after kill.end", "restarts since kill.end: 1"}},
		{"still Ready before the kubelet noticed does not pass at once", new(tl).pod(1, pod, kcmLabels, true, 0, "").mark(10, "kill.end"),
			15, Pending, nil},
		{"ready but not stable yet", new(tl).mark(10, "kill.end").pod(12, pod, kcmLabels, false, 1, "").pod(30, pod, kcmLabels, true, 1, ""),
			35, Pending, []string{"waiting 10s"}},
		{"never Ready again fails", new(tl).pod(1, pod, kcmLabels, true, 0, "").mark(10, "kill.end").
			pod(12, pod, kcmLabels, false, 3, "CrashLoopBackOff"), 71, Failed,
			[]string{"component kube-controller-manager not Ready within 1m0s after kill.end (not Ready at the end of the window; restarts since kill.end: 3)"}},
		{"flapping resets the stable window", new(tl).mark(10, "kill.end").pod(12, pod, kcmLabels, true, 1, "").
			pod(15, pod, kcmLabels, false, 2, "").pod(20, pod, kcmLabels, true, 2, ""), 26, Pending, nil},
		{"other pods are ignored", new(tl).mark(10, "kill.end").pod(12, "x", map[string]string{"component": "etcd"}, true, 0, ""),
			71, Failed, []string{"not Ready at the end"}},
		// The recorder was blind at the moment: the state from before the
		// outage proves nothing, so Ready counts from the relist on.
		{"blind at the moment: Ready from the relist on", new(tl).pod(1, pod, kcmLabels, true, 0, "").
			add(5, timeline.Event{Type: timeline.OutageStarted}).mark(10, "kill.end").add(35, timeline.Event{Type: timeline.Relisted}), 71, Passed,
			[]string{"Ready 25.0s after kill.end"}},
		{"blind through the deadline is not a pass", new(tl).pod(1, pod, kcmLabels, true, 0, "").
			add(5, timeline.Event{Type: timeline.OutageStarted}).mark(10, "kill.end"), 90, Pending,
			[]string{"waiting for the recorder to see component kube-controller-manager again after the apiserver outage"}},
		{"relisted after the deadline as Ready fails", new(tl).pod(1, pod, kcmLabels, true, 0, "").
			add(5, timeline.Event{Type: timeline.OutageStarted}).mark(10, "kill.end").add(80, timeline.Event{Type: timeline.Relisted}), 95, Failed,
			[]string{"Ready only 70.0s after kill.end"}},
	}
	runVerdicts(t, "componentReady", c, params, tests)
}

func TestNoCrashLoop(t *testing.T) {
	t.Parallel()
	c := Common{Name: "ncl", From: "kill.end", Within: s(30)}
	params := &NoCrashLoopParams{PodTarget: PodTarget{Component: "kube-controller-manager"}}
	looping := new(tl).mark(10, "kill.end").pod(20, "kcm", kcmLabels, false, 4, "CrashLoopBackOff")
	healed := new(tl).mark(10, "kill.end").pod(20, "kcm", kcmLabels, false, 4, "CrashLoopBackOff").pod(35, "kcm", kcmLabels, true, 4, "")
	expect(t, build(t, "noCrashLoop", c, params).Evaluate(timeline.NewView(looping.events, s(30))), Pending)
	expect(t, build(t, "noCrashLoop", c, params).Evaluate(timeline.NewView(looping.events, s(40))), Failed,
		"component kube-controller-manager in CrashLoopBackOff 30s after kill.end: kube-system/kcm/c (restarts 4)")
	expect(t, build(t, "noCrashLoop", c, params).Evaluate(timeline.NewView(healed.events, s(40))), Passed)
	expect(t, build(t, "noCrashLoop", c, params).Evaluate(timeline.NewView(new(tl).mark(10, "kill.end").events, s(40))), Failed, "no pod of")
	// Blind at the deadline: the stale healthy state is no pass; the first
	// state seen after the outage decides.
	blind := new(tl).pod(1, "kcm", kcmLabels, true, 0, "").mark(10, "kill.end").add(25, timeline.Event{Type: timeline.OutageStarted})
	expect(t, build(t, "noCrashLoop", c, params).Evaluate(timeline.NewView(blind.events, s(60))), Pending, "waiting for the recorder to see")
	blind.pod(70, "kcm", kcmLabels, false, 5, "CrashLoopBackOff").add(70, timeline.Event{Type: timeline.Relisted})
	expect(t, build(t, "noCrashLoop", c, params).Evaluate(timeline.NewView(blind.events, s(71))), Failed, "in CrashLoopBackOff")
	for _, b := range []*tl{looping, healed, blind} {
		checkStable(t, build(t, "noCrashLoop", c, params), b.events)
	}
}

func TestPodsCreatable(t *testing.T) {
	t.Parallel()
	c := Common{Name: "pods", From: "kill.end", Within: s(60)}
	a := build(t, "podsCreatable", c, &PodsCreatableParams{})
	probe := a.(Prober).Probe().Deployment
	if probe.Name != "harness-probe-pods" || probe.Replicas != 2 || probe.Namespace != "default" || probe.Labels[ProbeLabel] != "pods" {
		t.Fatalf("probe %+v", probe)
	}
	probePod := func(b *tl, at float64, name string) *tl {
		return b.add(at, timeline.Event{Type: timeline.PodObserved, Action: timeline.Added, Pod: &timeline.Pod{
			Namespace: "default", Name: name, Labels: map[string]string{ProbeLabel: "pods"}}})
	}
	started := new(tl).mark(10, "kill.end").mark(10.2, timeline.ProbeStarted("pods"))
	created := probePod(probePod(new(tl).mark(10, "kill.end").mark(10.2, timeline.ProbeStarted("pods")), 28, "p1"), 28.6, "p2")
	expect(t, a.Evaluate(timeline.NewView(created.events, s(30))), Passed, "created 2 of 2 18.6s after kill.end")
	expect(t, a.Evaluate(timeline.NewView(started.events, s(30))), Pending)
	expect(t, a.Evaluate(timeline.NewView(probePod(started, 20, "p1").events, s(71))), Failed,
		"pods of probe deployment default/harness-probe-pods not created within 1m0s after kill.end: 1 of 2 created")
	expect(t, a.Evaluate(timeline.NewView(new(tl).mark(10, "kill.end").events, s(71))), Failed, "the probe could not be started")
	checkStable(t, a, created.events)
	checkStable(t, a, probePod(started, 20, "p1").events)
}

func TestRegistryListsEveryType(t *testing.T) {
	t.Parallel()
	want := []string{"leaseHeld", "podsCreatable", "componentReady", "noCrashLoop", "noRestarts", "httpAvailable", "objectState", "reconciles", "metric", "dnsResolves", "logLine", "nodeReady"}
	got := Types()
	if len(got) != len(want) {
		t.Fatalf("types %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("types %v, want %v", got, want)
		}
	}
	for _, bad := range []PodTarget{{}, {Component: "kubelet"}, {Component: "etcd", Selector: "a=b"}, {Namespace: "x", Selector: "=="}} {
		if _, err := componentReadySpec.New(Common{}, &ComponentReadyParams{PodTarget: bad}); err == nil {
			t.Errorf("target %+v accepted", bad)
		}
	}
}
