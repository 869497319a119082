package harness_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/harness-dev/harness"
	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/timeline"
)

// A scenario file is decoded strictly; what it injects and asserts is
// readable from Go.
func ExampleLoadScenario() {
	sc, err := harness.LoadScenario("scenarios/kill-controller-manager.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range sc.Faults {
		fmt.Printf("fault %s: %s %s\n", f.Name, f.Type, f.Target.Component)
	}
	for _, a := range sc.Assertions {
		fmt.Printf("assert %s: %s within %s of %s\n", a.Name, a.Type, a.Within, a.From)
	}
	// Output:
	// fault kill-kcm: kill kube-controller-manager
	// assert kcm-lease-held: leaseHeld within 1m30s of kill-kcm.end
	// assert kcm-ready: componentReady within 1m30s of kill-kcm.end
	// assert pods-creatable: podsCreatable within 1m30s of kill-kcm.end
	// assert kcm-not-crashlooping: noCrashLoop within 1m0s of kill-kcm.end
}

// Bad input names the file, line and column and lists the valid choices.
func ExampleDecodeScenario() {
	_, err := harness.DecodeScenario("bad.yaml", []byte(`apiVersion: harness.dev/v1alpha1
kind: Scenario
metadata: {name: bad}
faults:
  - name: f
    type: explode
    target: {component: etcd}
assertions:
  - {name: a, type: leaseHeld, from: f.end, within: 1m, params: {lease: kube-system/x}}
`))
	fmt.Println(err)
	// Output:
	// bad.yaml:6:11: unknown fault type "explode"; valid types: kill, partition, pause, reboot-node, rebuild-static-pods, network, expire-certs, delete-crds, reject-requests, stale-connections, etcd-failpoint
}

// Assertions are pure functions of a timeline: here the controller-manager's
// lease is renewed 17s after the fault ended, within a 60s SLO.
func ExampleJudgeTimeline() {
	wall := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	events := []timeline.Event{
		{At: 10 * time.Second, Type: timeline.MarkReached, Mark: "kill-kcm.end"},
		{At: 27 * time.Second, Wall: wall.Add(27 * time.Second), Type: timeline.LeaseObserved, Action: timeline.Updated, Lease: &timeline.Lease{
			Namespace: "kube-system", Name: "kube-controller-manager", Holder: "kcm-2",
			RenewTime: wall.Add(27 * time.Second), DurationSecs: 15}},
	}
	j, err := harness.JudgeTimeline(events, 30*time.Second, harness.Assertion{
		Name: "kcm-lease-held", Type: "leaseHeld", From: "kill-kcm.end", Within: time.Minute,
		Params: &assertions.LeaseHeldParams{Lease: "kube-system/kube-controller-manager"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(j.Status, j.Measured)
	// Output:
	// passed 17s
}

// Drive a cluster from a test: record it, kill the controller-manager,
// revert, and wait until its lease is held again.
func ExampleCluster_Inject() {
	ctx := context.Background()
	cluster, err := harness.CreateCluster(ctx, harness.ClusterOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer cluster.Delete(ctx)
	rec, err := cluster.Record(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer rec.Stop()
	revert, err := cluster.Inject(ctx, harness.Fault{Name: "kill-kcm", Type: "kill",
		Target: faults.Target{Component: "kube-controller-manager"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer revert(ctx)
	rec.Mark("kill-kcm.end")
	held := harness.Assertion{Name: "kcm-lease-held", Type: "leaseHeld", From: "kill-kcm.end", Within: time.Minute,
		Params: &assertions.LeaseHeldParams{Lease: "kube-system/kube-controller-manager"}}
	j, err := rec.Await(ctx, held)
	fmt.Println(j.Status, j.Message, err)
}

// "After killing the controller-manager, a Pod is creatable within 60s":
// the probe Deployment is created before the fault and scaled up when the
// mark is recorded.
func ExampleRecording_Probe() {
	ctx := context.Background()
	cluster, err := harness.UseCluster(ctx, "harness-dev", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	rec, err := cluster.Record(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer rec.Stop() // also deletes the probe Deployment
	creatable := harness.Assertion{Name: "pods-creatable", Type: "podsCreatable", From: "kill-kcm.end", Within: time.Minute,
		Params: &assertions.PodsCreatableParams{Replicas: 2}}
	if err := rec.Probe(ctx, creatable); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	revert, err := cluster.Inject(ctx, harness.Fault{Name: "kill-kcm", Type: "kill",
		Target: faults.Target{Component: "kube-controller-manager"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	_ = revert(ctx)
	rec.Mark("kill-kcm.end")
	j, err := rec.Await(ctx, creatable)
	fmt.Println(j.Status, j.Message, err)
}

// Run a stock scenario end to end and write its reports.
func ExampleRun() {
	ctx := context.Background()
	sc, err := harness.LoadScenario("scenarios/lease-loss.yaml")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	res, err := harness.Run(ctx, sc, harness.Options{NodeImage: harness.OfflineNodeImage, ReportDir: "harness-reports"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	if !res.Passed() {
		fmt.Fprintln(os.Stderr, harness.Describe(res))
	}
}
