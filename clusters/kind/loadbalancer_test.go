package kind

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/harness-dev/harness/clusters"
)

// TestLoadBalancerImageIsKinds keeps LoadBalancerImage equal to the image
// the kind library in go.mod runs (an internal constant of kind's).
func TestLoadBalancerImageIsKinds(t *testing.T) {
	t.Parallel()
	// The test runs in this package's directory, inside the module.
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kind").Output()
	if err != nil {
		t.Fatalf("go list -m sigs.k8s.io/kind: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "pkg", "cluster", "internal", "loadbalancer", "const.go"))
	if err != nil {
		t.Fatalf("kind's load balancer constant: %v", err)
	}
	m := regexp.MustCompile(`const Image = "([^"]+)"`).FindSubmatch(src)
	if m == nil || string(m[1]) != LoadBalancerImage {
		t.Fatalf("kind in go.mod runs the load balancer image %q; LoadBalancerImage is %q (update it and hack/lb-image/build.sh)",
			m, LoadBalancerImage)
	}
}

func TestKindConfigControlPlanes(t *testing.T) {
	t.Parallel()
	tests := []struct{ controlPlanes, workers, wantCP int }{
		{0, 0, 1}, {1, 2, 1}, {3, 0, 3}, {3, 1, 3}, {5, 0, 5},
	}
	for _, tt := range tests {
		cfg := kindConfig(clusters.Spec{ControlPlanes: tt.controlPlanes, Workers: tt.workers}, Host{})
		cp, w := 0, 0
		for i, n := range cfg.Nodes {
			switch n.Role {
			case "control-plane":
				if w > 0 {
					t.Errorf("node %d: control planes must come first (kind names the first control-plane node CLUSTER-control-plane)", i)
				}
				cp++
			case "worker":
				w++
			}
		}
		if cp != tt.wantCP || w != tt.workers {
			t.Errorf("controlPlanes %d workers %d: config has %d control planes and %d workers, want %d and %d",
				tt.controlPlanes, tt.workers, cp, w, tt.wantCP, tt.workers)
		}
	}
}
