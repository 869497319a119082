package kind_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/internal/testenv"
)

// TestNoDockerDaemon needs no Docker: it points the provider at a socket
// where no daemon answers and expects an error that says what to do.
func TestNoDockerDaemon(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	p := newProvider(t)
	_, err := p.Create(context.Background(), clusters.Spec{Name: "harness-no-docker"})
	if err == nil || !strings.Contains(err.Error(), "is the Docker daemon running?") ||
		!strings.Contains(err.Error(), "ensure-docker.sh") {
		t.Fatalf("error %v; want one that says to start the Docker daemon", err)
	}
}

func TestIntegrationMissingImage(t *testing.T) {
	testenv.RequireDocker(t)
	_, err := newProvider(t).Create(context.Background(), clusters.Spec{Name: "harness-no-image", NodeImage: "harness.dev/does-not-exist:v0"})
	if err == nil || !strings.Contains(err.Error(), "make node-image") || !strings.Contains(err.Error(), kind.OfflineNodeImage) {
		t.Fatalf("error %v; want one that points at make node-image", err)
	}
}

// TestIntegrationNodeNeverReady breaks the CNI of the node (containerd looks
// for plugins in an empty directory), so the cluster never becomes ready (no
// Pod sandbox gets a network): the error must name what is not Ready and
// carry the kubelet and containerd logs, the logs must be exported, and the
// cluster must be gone.
func TestIntegrationNodeNeverReady(t *testing.T) {
	testenv.RequireDocker(t)
	image := testenv.NodeImage(t)
	logDir := filepath.Join(t.TempDir(), "logs")
	name := "harness-never-ready"
	p := newProvider(t)
	_, err := p.Create(context.Background(), clusters.Spec{
		Name: name, NodeImage: image, Wait: 2 * time.Minute, LogDir: logDir,
		ContainerdConfigPatches: []string{"[plugins.\"io.containerd.grpc.v1.cri\".cni]\n  bin_dir = \"/nonexistent\"\n"},
	})
	if err == nil {
		_ = p.Delete(context.Background(), name)
		t.Fatal("a cluster without CNI plugins became ready")
	}
	for _, want := range []string{"cluster not ready within 2m0s: not Ready:",
		name + "-control-plane kubelet (last", name + "-control-plane containerd (last", `failed to find plugin \"loopback\" in path [/nonexistent]`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if entries, err := os.ReadDir(logDir); err != nil || len(entries) == 0 {
		t.Errorf("no node logs exported to %s: %v", logDir, err)
	}
	if left := clusterNodes(t, name); len(left) > 0 {
		t.Errorf("nodes left after the failed create: %v", left)
	}
}

func clusterNodes(t *testing.T, name string) []string {
	p := newProvider(t)
	names, err := p.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n == name {
			return []string{n}
		}
	}
	return nil
}
