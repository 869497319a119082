package e2eframework_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/e2e-framework/pkg/envconf"
	"sigs.k8s.io/e2e-framework/pkg/features"

	"github.com/harness-dev/harness"
	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/integrations/harnesse2e"
	"github.com/harness-dev/harness/internal/testenv"
)

var discovery = filepath.Join("..", "..", "scenarios", "selfheal-discovery.yaml")

// resetDiscovery deletes the scenario's namespace, so both variants start
// from the same cluster state.
func resetDiscovery(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
	if err := harnesse2e.Cluster(ctx, clusterKey).DeleteNamespace(ctx, "selfheal-discovery"); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// TestIntegrationDiscoveryBug: a component that blocks in WaitForCacheSync after a CRD
// it discovered was deleted is caught, and the message says what.
func TestIntegrationDiscoveryBug(t *testing.T) {
	testenv.RequireDocker(t)
	f := features.New("selfheal-discovery, bug variant").
		Setup(resetDiscovery).
		Assess("fails, naming the component that is not Ready", func(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
			res := harnesse2e.RunScenario(ctx, t, clusterKey, discovery, harness.Options{Params: map[string]string{"variant": "bug"}})
			if res == nil {
				return ctx
			}
			if res.Passed() {
				t.Fatalf("the bug variant passed:\n%s", harness.Describe(res))
			}
			if d := harness.Describe(res); !strings.Contains(d, "pods app=selfheal in selfheal-discovery not Ready within 1m0s") {
				t.Fatalf("the failure does not name the component:\n%s", d)
			}
			return ctx
		}).Feature()
	testEnv.Test(t, f)
}

// TestIntegrationDiscoveryFixed: the fixed component passes the same scenario.
func TestIntegrationDiscoveryFixed(t *testing.T) {
	testenv.RequireDocker(t)
	testEnv.Test(t, features.New("selfheal-discovery, fixed variant").Setup(resetDiscovery).Feature(),
		harnesse2e.ScenarioFeature(clusterKey, discovery, harness.Options{Params: map[string]string{"variant": "fixed"}}))
}

// TestIntegrationSchedulerPaused: a fault step and a revert step around an assessment
// judged over a recording.
func TestIntegrationSchedulerPaused(t *testing.T) {
	testenv.RequireDocker(t)
	var rec *harness.Recording
	held := harness.Assertion{Name: "scheduler-lease-held", Type: "leaseHeld", From: "pause.end", Within: 60 * time.Second,
		Params: &assertions.LeaseHeldParams{Lease: "kube-system/kube-scheduler"}}
	f := features.New("kube-scheduler paused for 10s").
		Setup(func(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
			var err error
			if rec, err = harnesse2e.Cluster(ctx, clusterKey).Record(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(rec.Stop)
			return ctx
		}).
		Setup(harnesse2e.InjectFault(clusterKey, harness.Fault{Name: "pause", Type: "pause",
			Target: faults.Target{Component: "kube-scheduler"}, Duration: 10 * time.Second})).
		Assess("the scheduler is stopped", func(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
			time.Sleep(10 * time.Second) // the fault's duration: the scheduler holds still
			return ctx
		}).
		Assess("revert", harnesse2e.RevertFault("pause")).
		Assess("the scheduler leads again within 60s", func(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
			rec.Mark("pause.end")
			j, err := rec.Await(ctx, held)
			if err != nil || j.Status != assertions.Passed {
				t.Fatalf("%s: %s (%v)\ntimeline:\n%s", j.Status, j.Message, err, j.Timeline)
			}
			t.Log(j.Message)
			return ctx
		}).Feature()
	testEnv.Test(t, f)
}
