// Package e2eframework_test is an example sigs.k8s.io/e2e-framework suite
// that uses the harness: the environment creates a kind cluster through
// the harness's provider (offline node image) and features run a stock
// scenario on it, or inject a fault and judge the recovery. It runs in
// `make test` (and alone with `make examples`).
package e2eframework_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/e2e-framework/pkg/env"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/harness-dev/harness"
	"github.com/harness-dev/harness/integrations/harnesse2e"
	"github.com/harness-dev/harness/internal/testenv"
)

const (
	clusterKey    = "chaos"
	selfhealImage = "harness.dev/selfheal:dev"
)

var testEnv = env.New()

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run()) // every test skips itself: no cluster for -short
	}
	testEnv.Setup(prepare, harnesse2e.CreateCluster(clusterKey, harness.ClusterOptions{
		NodeImage: os.Getenv("HARNESS_NODE_IMAGE"), Images: []string{selfhealImage}}))
	testEnv.Finish(harnesse2e.DeleteCluster(clusterKey))
	os.Exit(testEnv.Run(m))
}

// prepare fails the suite, saying what to do, without Docker; it builds
// the component under test's image (no registry: `docker import`).
func prepare(ctx context.Context, _ *envconf.Config) (context.Context, error) {
	if err := testenv.DockerAnswers(); err != nil {
		return ctx, err
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return ctx, err
	}
	return ctx, testenv.BuildImageIn(root, "test/images/selfheal", selfhealImage)
}
