package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/reports"
)

func writeResult(t *testing.T, dir string, measured time.Duration, status assertions.Status) string {
	t.Helper()
	r := &reports.Run{Scenario: "kill-controller-manager", RunID: "x", Assertions: []reports.Assertion{
		{Name: "kcm-lease-held", Type: "leaseHeld", Verdict: assertions.Verdict{Status: status, SLO: 90 * time.Second,
			Measured: measured, Measurable: status == assertions.Passed}},
	}}
	if err := reports.WriteAll(dir, []*reports.Run{r}); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "kill-controller-manager", "result.json")
}

// TestCompareDetectsAPlantedRegression compares a result with itself and
// with copies where a regression was planted.
func TestCompareDetectsAPlantedRegression(t *testing.T) {
	t.Parallel()
	baseDir := t.TempDir()
	base := writeResult(t, baseDir, 17*time.Second, assertions.Passed)
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	slower := filepath.Join(t.TempDir(), "slower.json")
	if err := os.WriteFile(slower, []byte(strings.Replace(string(data), `"measuredSeconds": 17`, `"measuredSeconds": 31.5`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	failing := writeResult(t, t.TempDir(), 0, assertions.Failed)
	tests := []struct {
		name     string
		new      string
		wantCode int
		want     string
	}{
		{"same result", base, ExitOK, "1 assertions compared, 0 regressions"},
		{"report directories", baseDir, ExitOK, "0 regressions"},
		{"slower recovery", slower, ExitFailed, "REGRESSION kill-controller-manager/kcm-lease-held: recovery 17s -> 31.5s (+85%)"},
		{"now failing", failing, ExitFailed, "REGRESSION kill-controller-manager/kcm-lease-held: passed before, failed now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			from := base
			if tt.name == "report directories" {
				from = baseDir
			}
			stdout, stderr, code := runCLI(t, "compare", from, tt.new)
			if code != tt.wantCode || !strings.Contains(stdout, tt.want) {
				t.Fatalf("exit %d, stdout:\n%s\nstderr: %s\nwant exit %d and %q", code, stdout, stderr, tt.wantCode, tt.want)
			}
		})
	}
}

// TestMergeShards joins two shards' report directories; the merged
// verdict is the suite's (exit 1 when a run failed).
func TestMergeShards(t *testing.T) {
	t.Parallel()
	a, b, out := t.TempDir(), t.TempDir(), t.TempDir()
	writeResult(t, a, 17*time.Second, assertions.Passed)
	r := &reports.Run{Scenario: "lease-loss", RunID: "y", Assertions: []reports.Assertion{{Name: "held", Type: "leaseHeld",
		Verdict: assertions.Verdict{Status: assertions.Failed, SLO: time.Minute, Message: "lease not held"}}}}
	if err := reports.WriteAll(b, []*reports.Run{r}); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, "merge", "--out", out, a, b)
	if code != ExitFailed || !strings.Contains(stdout, "merged 2 runs from 2 report directories") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, f := range []string{"junit.xml", "index.html", "kill-controller-manager/result.json", "lease-loss/report.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("merged report lacks %s", f)
		}
	}
	if _, _, code := runCLI(t, "merge", "--out", out, t.TempDir()); code != ExitUsage {
		t.Errorf("merging a directory without results: exit %d, want 2", code)
	}
}
