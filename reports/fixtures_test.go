package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/timeline"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var started = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

const (
	kcmLease = "kube-system/kube-controller-manager"
	sec      = time.Second
	ms       = time.Millisecond
)

// events is a deterministic timeline of a partition of the apiserver: the
// lease is renewed by cp_1 before, and by cp_2 after, the partition.
func events() []timeline.Event {
	mark := func(at time.Duration, name, note string) timeline.Event {
		return timeline.Event{At: at, Type: timeline.MarkReached, Mark: name, Note: note}
	}
	lease := func(at time.Duration, holder string) timeline.Event {
		return timeline.Event{At: at, Type: timeline.LeaseObserved, Action: timeline.Updated,
			Lease: &timeline.Lease{Namespace: "kube-system", Name: "kube-controller-manager", Holder: holder}}
	}
	pod := func(at time.Duration, restarts int32, waiting string) timeline.Event {
		return timeline.Event{At: at, Type: timeline.PodObserved, Action: timeline.Updated, Pod: &timeline.Pod{
			Namespace: "kube-system", Name: "kube-controller-manager-control-plane", Phase: "Running",
			Containers: []timeline.Container{{Name: "kube-controller-manager", RestartCount: restarts, Waiting: waiting}}}}
	}
	evs := []timeline.Event{
		mark(0, "run.start", ""), mark(30*sec, "cluster.ready", ""),
		{At: 30100 * ms, Type: timeline.NodeObserved, Action: timeline.Added, Node: &timeline.Node{Name: "control-plane", Ready: true}},
		lease(31*sec, "cp_1"), pod(31*sec, 0, ""), mark(32*sec, "steady-state", ""),
		lease(33*sec, "cp_1"), pod(34*sec, 0, ""),
		mark(36800*ms, "faults.start", ""), mark(36800*ms, "partition-apiserver.start", "partition"),
		{At: 39300 * ms, Type: timeline.OutageStarted, Note: "context deadline exceeded"},
		mark(67200*ms, "partition-apiserver.end", ""), mark(67200*ms, "faults.end", ""),
		{At: 70 * sec, Type: timeline.OutageEnded},
		pod(71*sec, 1, "CrashLoopBackOff"), pod(80*sec, 1, ""), lease(84*sec, "cp_2"), lease(86*sec, "cp_2"),
	}
	for i := range evs {
		evs[i].Wall = started.Add(evs[i].At)
	}
	return evs
}

func run(name string) *Run {
	return &Run{
		Scenario: name, File: "scenarios/" + name + ".yaml", Seed: 42, RunID: name + "-abc123",
		Started: started, Duration: 95 * sec,
		Cluster: Cluster{Name: "harness-" + name, Provider: "kind", NodeImage: "harness.dev/kind-node:v1.35.4",
			KubernetesVersion: "v1.35.4", Created: true},
		Faults: []Fault{{Name: "partition-apiserver", Type: "partition", Target: "node control-plane",
			Start: 36800 * ms, End: 67200 * ms, Injected: true}},
		Timeline: events(),
	}
}

func verdict(name, typ string, status assertions.Status, slo, measured time.Duration, msg string) Assertion {
	return Assertion{Name: name, Type: typ, From: "partition-apiserver.end", Verdict: assertions.Verdict{
		Status: status, SLO: slo, Measured: measured, Measurable: measured > 0, Message: msg}}
}

var (
	leasePassed = verdict("kcm-lease-held", "leaseHeld", assertions.Passed, 60*sec, 16800*ms,
		`lease kube-system/kube-controller-manager renewed by "cp_2" 16.8s after partition-apiserver.end (SLO 1m0s)`)
	leaseFailed = verdict("kcm-lease-held", "leaseHeld", assertions.Failed, 60*sec, 0,
		"lease kube-system/kube-controller-manager not held within 1m0s after partition-apiserver.end (last renewed 74.2s before the end of the window)")
	readyPassed = verdict("kcm-ready", "componentReady", assertions.Passed, 90*sec, 20144*ms,
		"component kube-controller-manager Ready 20.1s after partition-apiserver.end and stayed Ready for 10s (SLO 1m30s; restarts since partition-apiserver.end: 1)")
	leasePending = verdict("kcm-lease-held", "leaseHeld", assertions.Pending, 60*sec, 0, "waiting for moment partition-apiserver.end")
)

// fixtures are the runs of the golden files: one that passed, one whose
// lease assertion failed, and one whose steady state did not hold.
func fixtures() map[string]*Run {
	pass := run("lease-loss")
	pass.Assertions = []Assertion{leasePassed, readyPassed}
	fail := run("lease-loss-strict")
	fail.Assertions = []Assertion{leaseFailed, readyPassed}
	errored := run("steady-broken")
	errored.Faults, errored.Timeline = nil, errored.Timeline[:6]
	errored.Duration = 92 * sec
	steady := verdict("kcm-leads", "leaseHeld", assertions.Failed, 60*sec, 0,
		"lease kube-system/kube-controller-manager not held within 1m0s after steady-state (never renewed)")
	steady.From = "steady-state"
	errored.SteadyState = []Assertion{steady}
	errored.Error = &RunError{Phase: "steady-state",
		Message: "steady state does not hold before any fault: kcm-leads: " + steady.Message}
	notRun := readyPassed
	notRun.Verdict = assertions.Verdict{Status: assertions.Pending, SLO: 90 * sec}
	errored.Assertions = []Assertion{leasePending, notRun}
	return map[string]*Run{"passing": pass, "failing": fail, "erroring": errored}
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("output differs from %s (run go test ./reports -update to accept):\n%s", path, got)
	}
}
