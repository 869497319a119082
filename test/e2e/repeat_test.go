package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIntegrationRepeatAndCompare is release qualification end to end:
// kill-controller-manager three times on one cluster (reset between runs)
// with a distribution of each measured recovery, then `harness compare` of
// the first run's result with itself (no regression) and with a copy where
// a slower recovery was planted.
func TestIntegrationRepeatAndCompare(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	out, code := h.run("--repeat", "3", filepath.Join("scenarios", "kill-controller-manager.yaml"))
	if code != 0 {
		t.Fatalf("exit code %d, want 0 (all SLOs met in every run):\n%s", code, out)
	}
	for _, want := range []string{"recovery over 3 runs of each scenario:", "SCENARIO  ASSERTION  RUNS  PASS RATE  MIN  P50  P95  MAX",
		"kill-controller-manager  kcm-lease-held  3     100% (3/3)"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var dist []struct {
		Assertion    string
		Runs, Passed int
		Measured     int
		P50Seconds   float64
		MaxSeconds   float64
	}
	data, err := os.ReadFile(filepath.Join(h.reports, "distribution.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &dist); err != nil {
		t.Fatalf("distribution.json: %v", err)
	}
	if len(dist) == 0 || dist[0].Runs != 3 || dist[0].Passed != 3 || dist[0].Measured != 3 || dist[0].P50Seconds <= 0 {
		t.Fatalf("distribution: %+v", dist)
	}
	if left := leftBehind(t, out); len(left) > 0 {
		t.Fatalf("containers left after the runs: %v", left)
	}
	checkShared(t, readRuns(t, h.reports, 3))
	base := filepath.Join(h.reports, "kill-controller-manager", "result.json")
	planted := plantRegression(t, base)
	if out, code := h.command0(t, "compare", base, base); code != 0 || !strings.Contains(out, "0 regressions") {
		t.Fatalf("compare with itself: exit %d:\n%s", code, out)
	}
	out, code = h.command0(t, "compare", base, planted)
	if code != 1 || !strings.Contains(out, "REGRESSION kill-controller-manager/kcm-lease-held: recovery") {
		t.Fatalf("compare with a planted regression: exit %d, want 1 and the regression named:\n%s", code, out)
	}
}

// plantRegression copies a result.json with every measured recovery made
// three times as long (and at least 10s longer).
func plantRegression(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, a := range doc["assertions"].([]any) {
		if m, ok := a.(map[string]any)["measuredSeconds"].(float64); ok {
			a.(map[string]any)["measuredSeconds"] = 3*m + 10
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	planted := filepath.Join(t.TempDir(), "result.json")
	if err := os.WriteFile(planted, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return planted
}
