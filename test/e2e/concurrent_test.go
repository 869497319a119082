package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// sameSeed is a short scenario: kill kube-controller-manager, which must
// lead again.
const sameSeed = `apiVersion: harness.dev/v1alpha1
kind: Scenario
metadata:
  name: same-seed
cluster:
  workers: 0
faults:
  - name: kill-kcm
    type: kill
    target: {component: kube-controller-manager}
assertions:
  - name: kcm-lease-held
    type: leaseHeld
    from: kill-kcm.end
    within: 90s
    params: {lease: kube-system/kube-controller-manager}
`

// TestIntegrationConcurrentRunsSameSeed runs two `harness run` of one
// scenario with one --seed at the same time on this machine, with one
// state directory and one report directory: both pass on clusters of
// their own, leave no container and no journal behind, and keep each
// other's reports.
func TestIntegrationConcurrentRunsSameSeed(t *testing.T) {
	h := newHarness(t)
	file := scenarioFile(t, sameSeed)
	var wg sync.WaitGroup
	outs, codes := make([]string, 2), make([]int, 2)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], codes[i] = h.run(file, "--seed", "42")
		}()
	}
	wg.Wait()
	var clusters []string
	for i, out := range outs {
		if codes[i] != 0 {
			t.Errorf("run %d: exit %d, want 0:\n%s", i, codes[i], out)
		}
		m := createdCluster.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("run %d names no cluster:\n%s", i, out)
		}
		clusters = append(clusters, m[1])
		if left := leftBehind(t, out); len(left) > 0 {
			t.Errorf("run %d left containers: %v", i, left)
		}
	}
	if clusters[0] == clusters[1] {
		t.Fatalf("both runs used cluster %s", clusters[0])
	}
	if journals, _ := filepath.Glob(filepath.Join(h.stateDir, "journal", "*")); len(journals) > 0 {
		t.Errorf("journals left: %v", journals)
	}
	results, _ := filepath.Glob(filepath.Join(h.reports, "*", "result.json"))
	junit, _ := os.ReadFile(filepath.Join(h.reports, "junit.xml"))
	if len(results) != 2 || strings.Count(string(junit), "<testsuite ") != 2 {
		t.Errorf("reports: %v and %d suites in junit.xml; want both runs", results, strings.Count(string(junit), "<testsuite "))
	}
}
