// Package harnesse2e drops the harness into sigs.k8s.io/e2e-framework
// suites: env.Funcs that create and delete a kind cluster through the
// harness's provider (offline node image included), a feature that runs a
// scenario on that cluster, and feature steps that inject a fault and revert
// it.
//
//	testenv = env.New()
//	testenv.Setup(harnesse2e.CreateCluster("chaos", harness.ClusterOptions{}))
//	testenv.Finish(harnesse2e.DeleteCluster("chaos"))
//	...
//	testenv.Test(t, harnesse2e.ScenarioFeature("chaos", "scenarios/kill-controller-manager.yaml", harness.Options{}))
//
// The cluster lives in the context under its key, so one suite can use two
// clusters.
package harnesse2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/e2e-framework/pkg/envconf"
	"sigs.k8s.io/e2e-framework/pkg/features"
	"sigs.k8s.io/e2e-framework/pkg/types"

	"github.com/harness-dev/harness"
)

type clusterKey string

type kubeconfigKey string

type revertKey string

// CreateCluster creates a kind cluster, stores it in the context under key
// and points the config's kubeconfig at it (so cfg.Client() works).
func CreateCluster(key string, o harness.ClusterOptions) types.EnvFunc {
	return func(ctx context.Context, cfg *envconf.Config) (context.Context, error) {
		c, err := harness.CreateCluster(ctx, o)
		if err != nil {
			return ctx, err
		}
		dir, err := os.MkdirTemp("", "harnesse2e-")
		if err == nil {
			path := filepath.Join(dir, "kubeconfig")
			if err = os.WriteFile(path, c.Kubeconfig(), 0o600); err == nil {
				cfg.WithKubeconfigFile(path)
			}
		}
		if err != nil {
			_ = os.RemoveAll(dir)
			return ctx, fmt.Errorf("kubeconfig of cluster %s: %w (deleting it: %v)", c.Name(), err, c.Delete(ctx))
		}
		ctx = context.WithValue(ctx, kubeconfigKey(key), dir)
		return context.WithValue(ctx, clusterKey(key), c), nil
	}
}

// DeleteCluster deletes the cluster stored under key, if any, and the
// kubeconfig file CreateCluster wrote for it.
func DeleteCluster(key string) types.EnvFunc {
	return func(ctx context.Context, _ *envconf.Config) (context.Context, error) {
		if dir, ok := ctx.Value(kubeconfigKey(key)).(string); ok {
			_ = os.RemoveAll(dir)
		}
		if c := Cluster(ctx, key); c != nil {
			return ctx, c.Delete(context.WithoutCancel(ctx))
		}
		return ctx, nil
	}
}

// Cluster returns the cluster stored under key, or nil.
func Cluster(ctx context.Context, key string) *harness.Cluster {
	c, _ := ctx.Value(clusterKey(key)).(*harness.Cluster)
	return c
}

// ScenarioFeature is a feature that runs a scenario file on the cluster
// stored under key; its assessment fails with every verdict and the
// timeline when an SLO is not met. The result is logged either way.
func ScenarioFeature(key, path string, o harness.Options) types.Feature {
	return features.New("scenario "+filepath.Base(path)).
		Assess("all SLOs met", func(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
			res := RunScenario(ctx, t, key, path, o)
			if res != nil && !res.Passed() {
				t.Errorf("scenario %s did not pass:\n%s", path, harness.Describe(res))
			}
			return ctx
		}).Feature()
}

// RunScenario runs a scenario file on the cluster stored under key and
// returns its result (nil after t.Error when it could not run), for
// assessments that check the verdicts themselves.
func RunScenario(ctx context.Context, t *testing.T, key, path string, o harness.Options) *harness.Result {
	t.Helper()
	c := Cluster(ctx, key)
	if c == nil {
		t.Errorf("no cluster under key %q: add harnesse2e.CreateCluster(%q, ...) to the environment's Setup", key, key)
		return nil
	}
	sc, err := harness.LoadScenario(path)
	if err != nil {
		t.Error(err)
		return nil
	}
	o.Cluster = c
	res, err := harness.Run(ctx, sc, o)
	if err != nil {
		t.Error(err)
		return nil
	}
	t.Logf("scenario %s:\n%s", path, harness.Describe(res))
	return res
}

// InjectFault is a feature step (Setup or Assess) that injects a fault into
// the cluster stored under key and keeps its revert in the context.
func InjectFault(key string, f harness.Fault) features.Func {
	return func(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
		t.Helper()
		c := Cluster(ctx, key)
		if c == nil {
			t.Fatalf("no cluster under key %q: add harnesse2e.CreateCluster(%q, ...) to the environment's Setup", key, key)
		}
		revert, err := c.Inject(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = revert(context.WithoutCancel(ctx)) }) // runs even if no RevertFault step does
		return context.WithValue(ctx, revertKey(f.Name), revert)
	}
}

// RevertFault is a feature step (Assess or Teardown) that reverts the
// fault named name, injected by InjectFault.
func RevertFault(name string) features.Func {
	return func(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
		t.Helper()
		revert, ok := ctx.Value(revertKey(name)).(harness.Revert)
		if !ok {
			t.Fatalf("no fault %q injected in this feature", name)
		}
		if err := revert(ctx); err != nil {
			t.Fatal(err)
		}
		return ctx
	}
}
