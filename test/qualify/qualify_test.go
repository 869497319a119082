package qualify

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/harness-dev/harness"
	"github.com/harness-dev/harness/internal/testenv"
	"github.com/harness-dev/harness/reports"
)

const selfhealImage = "harness.dev/selfheal:dev"

// TestIntegrationQualify runs the suite on one cluster and checks every
// verdict. Environment: QUALIFY_ROUNDS (default 1), QUALIFY_STOCK=1 to add
// the stock control-plane scenarios, QUALIFY_ONLY (a regexp on scenario
// file names), QUALIFY_OUT (where table.md and the reports go; default a
// temporary directory).
func TestIntegrationQualify(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the qualification suite needs Docker and kind clusters")
	}
	testenv.RequireDocker(t)
	image := testenv.NodeImage(t)
	testenv.BuildImage(t, "test/images/selfheal", selfhealImage)
	entries := suiteEntries(t)
	out := os.Getenv("QUALIFY_OUT")
	if out == "" {
		out = t.TempDir()
	}
	c := sharedCluster(t, image)
	var rows []Row
	var runs []*reports.Run
	for round := 1; round <= envInt(t, "QUALIFY_ROUNDS", 1); round++ {
		for _, e := range entries {
			r := runEntry(t, c, e, filepath.Join(out, fmt.Sprintf("round-%d", round)))
			row := NewRow(round, e, r)
			t.Logf("round %d %s variant=%q: %s (%s) in %s", round, e.Scenario, e.Variant, row.Actual, row.Measured, r.Duration.Round(time.Second))
			if row.Problem != "" {
				t.Errorf("round %d %s variant=%q: %s; got %s: %s", round, e.Scenario, e.Variant, row.Problem, row.Actual, row.Measured)
			}
			rows, runs = append(rows, row), append(runs, r)
		}
	}
	var table bytes.Buffer
	WriteTable(&table, rows)
	t.Logf("qualification table:\n%s", table.String())
	if err := os.WriteFile(filepath.Join(out, "table.md"), table.Bytes(), 0o644); err != nil {
		t.Error(err)
	}
	if err := reports.WriteAll(out, runs); err != nil {
		t.Error(err)
	}
}

func suiteEntries(t *testing.T) []Entry {
	entries := Selfheal()
	if os.Getenv("QUALIFY_STOCK") == "1" {
		entries = append(entries, Stock()...)
	}
	if only := os.Getenv("QUALIFY_ONLY"); only != "" {
		re, err := regexp.Compile(only)
		if err != nil {
			t.Fatalf("QUALIFY_ONLY: %v", err)
		}
		var kept []Entry
		for _, e := range entries {
			if re.MatchString(e.Scenario + " " + e.Variant) {
				kept = append(kept, e)
			}
		}
		entries = kept
	}
	if len(entries) == 0 {
		t.Fatal("no suite entry selected; check QUALIFY_ONLY")
	}
	return entries
}

// sharedCluster creates the suite's cluster through the Go API, as users'
// suites do.
func sharedCluster(t *testing.T, image string) *harness.Cluster {
	start := time.Now()
	c, err := harness.CreateCluster(context.Background(), harness.ClusterOptions{
		Name: fmt.Sprintf("harness-qualify-%d", time.Now().Unix()%100000), NodeImage: image,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatalf("create cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Delete(context.Background()); err != nil {
			t.Errorf("delete cluster %s: %v", c.Name(), err)
		}
	})
	t.Logf("cluster %s ready in %s", c.Name(), time.Since(start).Round(time.Second))
	return c
}

// runEntry runs one entry on the shared cluster, then deletes its namespace
// (the reset). Each run's own reports, and the artifacts of a run that did
// not pass, go to out/<scenario>-<variant>.
func runEntry(t *testing.T, c *harness.Cluster, e Entry, out string) *harness.Result {
	sc, err := harness.LoadScenario(filepath.Join(testenv.RepoRoot(t), "scenarios", e.Scenario))
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]string{}
	if e.Variant != "" {
		set["variant"] = e.Variant
	}
	r, err := harness.Run(context.Background(), sc, harness.Options{Cluster: c, Params: set, Timeout: 5 * time.Minute,
		ReportDir: filepath.Join(out, sc.Metadata.Name+"-"+orNone(e.Variant)), Progress: os.Stdout})
	if err != nil {
		t.Fatal(err)
	}
	if e.Namespace != "" {
		// The namespace controller runs in kube-controller-manager, which
		// scenarios that restart the apiserver send into crash-loop
		// back-off (up to 5 minutes once restarts accumulate on the shared
		// cluster): wait that out.
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		defer cancel()
		start := time.Now()
		if err := c.DeleteNamespace(ctx, e.Namespace); err != nil {
			t.Fatalf("reset: %v", err)
		}
		t.Logf("reset: namespace %s deleted in %s", e.Namespace, time.Since(start).Round(time.Second))
	}
	return r
}

func orNone(s string) string {
	if s == "" {
		return "stock"
	}
	return s
}

func envInt(t *testing.T, key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: expected a positive number", key, v)
	}
	return n
}
