// Package assertions_test proves the assertion types that judge what
// components do (objectState, reconciles, metric, httpAvailable from any
// sender, dnsResolves) both ways on a real kind cluster, one cluster for
// the whole package, through the public Go API and stock scenarios.
package assertions_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-dev/harness"
	"github.com/harness-dev/harness/internal/testenv"
)

const selfhealImage = "harness.dev/selfheal:dev"

var shared struct {
	once    sync.Once
	cluster *harness.Cluster
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.cluster != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		if err := shared.cluster.Delete(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "delete cluster %s: %v\n", shared.cluster.Name(), err)
			code = 1
		}
		cancel()
	}
	os.Exit(code)
}

// sharedCluster returns the package's cluster (with the selfheal image
// loaded), creating it on first use, and waits until it is healthy.
func sharedCluster(t *testing.T) *harness.Cluster {
	t.Helper()
	testenv.RequireDocker(t)
	image := testenv.NodeImage(t)
	shared.once.Do(func() {
		if err := testenv.BuildImageIn(testenv.RepoRoot(t), "test/images/selfheal", selfhealImage); err != nil {
			shared.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
		defer cancel()
		shared.cluster, shared.err = harness.CreateCluster(ctx, harness.ClusterOptions{
			Name: fmt.Sprintf("harness-assert-%d", os.Getpid()%100000), NodeImage: image, Images: []string{selfhealImage},
			Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	})
	if shared.err != nil {
		t.Fatalf("shared test cluster: %v", shared.err)
	}
	waitHealthy(t, shared.cluster)
	return shared.cluster
}

// waitHealthy waits until every kube-system Pod is Ready.
func waitHealthy(t *testing.T, c *harness.Cluster) {
	t.Helper()
	NewWithT(t).Eventually(func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pods, err := c.Client().CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		for _, p := range pods.Items {
			ready := false
			for _, cond := range p.Status.Conditions {
				ready = ready || cond.Type == "Ready" && cond.Status == "True"
			}
			if !ready {
				return fmt.Errorf("pod %s not Ready", p.Name)
			}
		}
		return nil
	}).WithTimeout(4*time.Minute).WithPolling(time.Second).Should(Succeed(), "cluster not healthy")
}

// runScenario runs a stock scenario on the shared cluster after resetting
// namespace ns.
func runScenario(t *testing.T, c *harness.Cluster, file, ns string, params map[string]string) *harness.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := c.DeleteNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	sc, err := harness.LoadScenario(filepath.Join(testenv.RepoRoot(t), "scenarios", file))
	if err != nil {
		t.Fatal(err)
	}
	res, err := harness.Run(ctx, sc, harness.Options{Cluster: c, Params: params, Progress: testWriter{t}, Timeout: 5 * time.Minute,
		ReportDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
