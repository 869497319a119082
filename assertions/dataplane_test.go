package assertions

import (
	"testing"

	"github.com/harness-dev/harness/timeline"
)

var agentLabels = map[string]string{"app": "agent"}

// probes adds one HTTP probe result every 0.5s from `from` to `to` (in
// seconds); ok says which are answered.
func (b *tl) probes(from, to float64, ok func(at float64) bool) *tl {
	for at := from; at <= to; at += 0.5 {
		res := &timeline.HTTP{Probe: "vip", URL: "http://172.18.0.2:30081/", OK: ok(at)}
		if !res.OK {
			res.Error = "connection refused"
		}
		b.add(at, timeline.Event{Type: timeline.HTTPProbed, HTTP: res})
	}
	return b
}

// exited records an observation at `at` of the agent restarted `restarts`
// times, the last exit at `lastExit` by the kubelet's clock.
func (b *tl) exited(at float64, name string, restarts int32, lastExit float64) *tl {
	b.pod(at, name, agentLabels, false, restarts, "CrashLoopBackOff")
	b.events[len(b.events)-1].Pod.Containers[0].LastExit = base.Add(s(lastExit))
	return b
}

// kubeletDown is an agent on node n1 whose kubelet renewed its node Lease
// at 55s, was down, and renewed again at 99.5s.
func kubeletDown() *tl {
	b := new(tl).add(1, timeline.Event{Type: timeline.PodObserved, Action: timeline.Added, Pod: &timeline.Pod{
		Namespace: "kube-system", Name: "agent", NodeName: "n1", Labels: agentLabels, Ready: true,
		Containers: []timeline.Container{{Name: "c", Ready: true, Running: true}}}}).mark(10, "rebuild.start")
	return b.nodeLeaseOf(55, 55, "n1").nodeLeaseOf(99.5, 99.5, "n1")
}

// exitedOnN1 records the agent of kubeletDown restarted `restarts` times,
// the last exit at `lastExit`.
func (b *tl) exitedOnN1(at float64, restarts int32, lastExit float64) *tl {
	b.exited(at, "agent", restarts, lastExit)
	b.events[len(b.events)-1].Pod.NodeName = "n1"
	return b
}

func TestHTTPAvailable(t *testing.T) {
	t.Parallel()
	c := Common{Name: "vip", From: "cut.start", Within: s(30)}
	params := &HTTPAvailableParams{NodePort: 30081, Min: 90}
	always := func(float64) bool { return true }
	tests := []verdictCase{
		{"served throughout passes", new(tl).probes(0, 9.5, always).mark(10, "cut.start").probes(10, 45, always), 41, Passed,
			[]string{"available 100.0% of 61 probes in the 30s after cut.start (SLO at least 90.0%)"}},
		{"judged at the end of the window", new(tl).mark(10, "cut.start").probes(10, 30, always), 30, Pending, nil},
		{"stops serving fails", new(tl).mark(10, "cut.start").probes(10, 45, func(at float64) bool { return at < 12 }), 41, Failed,
			[]string{"data plane http://172.18.0.2:30081/ available 6.6% of 61 probes in the 30s after cut.start (SLO at least 90.0%); first unanswered 2.0s after cut.start: connection refused"}},
		{"a short blip within the budget passes", new(tl).mark(10, "cut.start").probes(10, 45, func(at float64) bool { return at < 12 || at > 13 }), 41, Passed,
			[]string{"available 95.1%"}},
		{"failures outside the window do not count", new(tl).probes(0, 9.5, func(float64) bool { return false }).mark(10, "cut.start").probes(10, 45, always), 41, Passed, nil},
		{"no probes fails", new(tl).mark(10, "cut.start"), 41, Failed, []string{"no data plane probe was sent"}},
	}
	runVerdicts(t, "httpAvailable", c, params, tests)
}

func TestHTTPAvailableRejectsBadParams(t *testing.T) {
	t.Parallel()
	for _, p := range []*HTTPAvailableParams{{}, {NodePort: 70000}, {NodePort: 30081, Min: 120}, {NodePort: 30081, Interval: "often"}} {
		if _, err := httpAvailableSpec.New(Common{Name: "x"}, p); err == nil {
			t.Errorf("params %+v accepted", *p)
		}
	}
}

func TestNoRestarts(t *testing.T) {
	t.Parallel()
	c := Common{Name: "agent", From: "rebuild.start", Within: s(60)}
	params := &NoRestartsParams{PodTarget: PodTarget{Namespace: "kube-system", Selector: "app=agent"}}
	tests := []verdictCase{
		{"restarts before the moment do not count", new(tl).pod(1, "agent", agentLabels, true, 1, "").mark(10, "rebuild.start").
			pod(40, "agent", agentLabels, true, 1, ""), 76, Passed, []string{"restarted 0 times in the 1m0s after rebuild.start (allowed 0)"}},
		{"an exit in the window fails", new(tl).pod(1, "agent", agentLabels, true, 1, "").mark(10, "rebuild.start").
			pod(40, "agent", agentLabels, false, 3, "CrashLoopBackOff"), 76, Failed,
			[]string{"pods app=agent in kube-system exited and was restarted 2 times in the 1m0s after rebuild.start (allowed 0): kube-system/agent restarted 2 times"}},
		{"pending until the end of the window", new(tl).mark(10, "rebuild.start"), 50, Pending, nil},
		{"pending a moment after the window for late reports", new(tl).pod(1, "agent", agentLabels, true, 0, "").mark(10, "rebuild.start"), 72, Pending,
			[]string{"waiting 5s for restarts the kubelet reports late"}},
		{"no pod fails", new(tl).mark(10, "rebuild.start"), 76, Failed, []string{"no pod of pods app=agent in kube-system exists"}},
		// The kubelet was down from 60s to 99s (no node Lease renewal): its
		// report of an exit at 65s arrives at 100s, and is waited for.
		{"exits in the window reported after it count", kubeletDown().exitedOnN1(100, 3, 65), 106, Failed,
			[]string{"restarted 3 times in the 1m0s after rebuild.start"}},
		{"a stopped kubelet is waited for", kubeletDown(), 90, Pending,
			[]string{"waiting for the kubelet of node n1 to report after the window"}},
		{"a running kubelet that reported nothing: judged after its renewal", kubeletDown(), 105, Passed,
			[]string{"restarted 0 times"}},
		{"exits after the window reported late do not count", new(tl).pod(1, "agent", agentLabels, true, 0, "").mark(10, "rebuild.start").
			exited(100, "agent", 3, 75), 101, Passed, []string{"restarted 0 times"}},
		{"exits before the moment reported late do not count", new(tl).pod(1, "agent", agentLabels, true, 0, "").mark(10, "rebuild.start").
			exited(30, "agent", 1, 8), 76, Passed, []string{"restarted 0 times"}},
		{"pending while the recorder is blind after an outage", new(tl).pod(1, "agent", agentLabels, true, 0, "").mark(10, "rebuild.start").
			add(20, timeline.Event{Type: timeline.OutageStarted}).add(90, timeline.Event{Type: timeline.OutageEnded}), 95, Pending,
			[]string{"waiting for the recorder to see pods app=agent in kube-system again after the apiserver outage"}},
		{"judged once the recorder relisted", new(tl).pod(1, "agent", agentLabels, true, 0, "").mark(10, "rebuild.start").
			add(20, timeline.Event{Type: timeline.OutageStarted}).exited(91, "agent", 2, 50).add(92, timeline.Event{Type: timeline.Relisted}), 95, Failed,
			[]string{"restarted 2 times"}},
	}
	runVerdicts(t, "noRestarts", c, params, tests)
}
