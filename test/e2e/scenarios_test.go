package e2e

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/internal/testenv"
	"github.com/harness-dev/harness/reports"
)

// stockShards are the stock control-plane scenarios as two jobs of a CI
// matrix, each one `harness run` on one shared cluster. The first runs
// kill-controller-manager before and after three disruptive scenarios: its
// verdicts must not depend on what ran before it.
var stockShards = [][]string{
	{"kill-controller-manager", "lease-loss", "pause-controller-manager", "reboot-control-plane", "kill-controller-manager"},
	{"partition-controller-manager", "delete-crds-during-startup", "rebuild-etcd-apiserver", "expire-apiserver-cert"},
}

// TestIntegrationStockSuite runs every stock control-plane scenario end to
// end, as a CI matrix of two jobs running in parallel, each on one cluster
// shared by its scenarios: the stock components recover, so every SLO
// passes (exit 0); the shared cluster is brought back to its known state
// between runs; `harness merge` joins the two report sets; nothing is left
// behind.
func TestIntegrationStockSuite(t *testing.T) {
	t.Parallel()
	testenv.RequireDocker(t)
	// The report directories outlive the shards' subtests (a subtest's
	// TempDir is removed when it ends): merge reads them afterwards.
	dirs := make([]string, len(stockShards))
	for i := range dirs {
		dirs[i] = t.TempDir()
	}
	t.Run("shards", func(t *testing.T) {
		for i, shard := range stockShards {
			t.Run(fmt.Sprintf("job-%d", i+1), func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				h.reports = dirs[i]
				var files []string
				for _, name := range shard {
					files = append(files, filepath.Join("scenarios", name+".yaml"))
				}
				out, code := h.run(files...)
				if code != 0 {
					t.Fatalf("exit code %d, want 0 (all SLOs met):\n%s", code, out)
				}
				if left := leftBehind(t, out); len(left) > 0 {
					t.Fatalf("containers left after the suite: %v", left)
				}
				runs := readRuns(t, h.reports, len(shard))
				checkShared(t, runs)
			})
		}
	})
	if t.Failed() {
		return
	}
	checkIndependent(t, readRuns(t, dirs[0], len(stockShards[0])))
	merged := t.TempDir()
	h := newHarness(t)
	out, code := h.command0(t, append([]string{"merge", "--out", merged}, dirs...)...)
	if code != 0 || !strings.Contains(out, "merged 9 runs from 2 report directories") {
		t.Fatalf("merge: exit %d:\n%s", code, out)
	}
	suites := readJUnit(t, filepath.Join(merged, "junit.xml"))
	if suites.Tests < 9*3 || suites.Failures != 0 || suites.Errors != 0 {
		t.Fatalf("merged junit: tests=%d failures=%d errors=%d", suites.Tests, suites.Failures, suites.Errors)
	}
	if _, err := os.Stat(filepath.Join(merged, "index.html")); err != nil {
		t.Fatal(err)
	}
}

// readRuns reads the results of a report directory, in the order of the
// suite, and checks there are n.
func readRuns(t *testing.T, dir string, n int) []*reports.Run {
	t.Helper()
	runs, err := reports.ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != n {
		t.Fatalf("%d results in %s, want %d", len(runs), dir, n)
	}
	sort.Slice(runs, func(a, b int) bool { return runs[a].Started.Before(runs[b].Started) })
	return runs
}

// checkShared: the runs shared one cluster, created once, reset (and never
// replaced) before every run but the first.
func checkShared(t *testing.T, runs []*reports.Run) {
	t.Helper()
	for i, r := range runs {
		c := r.Cluster
		if !c.Shared || c.Name != runs[0].Cluster.Name || c.Replaced != "" || c.Dirty != "" || (i > 0) != (c.Reset > 0) {
			t.Errorf("run %d (%s) on cluster %+v; want one shared cluster, reset before every run but the first", i, r.Scenario, c)
		}
	}
}

// checkIndependent: the first and the last run of the first job are the
// same scenario, before and after disruptive ones: same verdicts, and
// recoveries within 15s of each other (a crash-loop back-off left over
// would add 10s or more).
func checkIndependent(t *testing.T, runs []*reports.Run) {
	t.Helper()
	first, last := runs[0], runs[len(runs)-1]
	if first.Scenario != last.Scenario {
		t.Fatalf("first %s, last %s; want the same scenario", first.Scenario, last.Scenario)
	}
	for i, a := range first.Assertions {
		b := last.Assertions[i]
		diff := a.Measured - b.Measured
		if a.Status != b.Status || diff > 15*time.Second || diff < -15*time.Second {
			t.Errorf("%s: first run %s in %s, last run %s in %s; a verdict must not depend on what ran before",
				a.Name, a.Status, a.Measured, b.Status, b.Measured)
		}
	}
}

// impossibleSLO is kill-controller-manager with an SLO no controller-manager
// can meet: the lease is held again only after the old one expired (15s).
const impossibleSLO = `apiVersion: harness.dev/v1alpha1
kind: Scenario
metadata:
  name: impossible-slo
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
    within: 1s
    params: {lease: kube-system/kube-controller-manager}
`

// ineffective cuts a port nothing listens on: the fault drops nothing, so
// the lease held afterwards proves nothing.
const ineffective = `apiVersion: harness.dev/v1alpha1
kind: Scenario
metadata:
  name: ineffective-partition
cluster:
  workers: 0
faults:
  - name: cut-nothing
    type: partition
    target: {node: control-plane}
    params: {port: 1}
    duration: 10s
assertions:
  - name: kcm-lease-held
    type: leaseHeld
    from: cut-nothing.end
    within: 30s
    params: {lease: kube-system/kube-controller-manager}
`

// TestIntegrationVerdictsOtherWays shows the setup's capabilities at work
// (test/e2e/testdata/setup) and the verdicts that are not passes, on one
// shared cluster: the same recovery judged against a 1s SLO fails
// (exit code 1 for that run) with a message naming the lease, the SLO and
// the measured time; a fault that did nothing makes its run inconclusive
// (exit code 3, a JUnit error, the missing evidence said), never passed.
func TestIntegrationVerdictsOtherWays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	impossible := filepath.Join(t.TempDir(), "impossible.yaml")
	if err := os.WriteFile(impossible, []byte(impossibleSLO), 0o644); err != nil {
		t.Fatal(err)
	}
	testenv.BuildImage(t, "test/images/netcheck", "harness.dev/netcheck:test")
	setup := filepath.Join("test", "e2e", "testdata", "setup", "setup-capabilities.yaml")
	out, code := h.run(setup, impossible, scenarioFile(t, ineffective))
	if code != 3 {
		t.Fatalf("exit code %d, want 3 (a run could not be judged):\n%s", code, out)
	}
	for _, want := range []string{
		"lease kube-system/kube-controller-manager not held within 1s after kill-kcm.end (last renewed",
		"INCONCLUSIVE kcm-lease-held: not judged: fault cut-nothing (partition) shows no evidence that it took effect: the partition's DROP rules matched no packet",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	suites := readJUnit(t, filepath.Join(h.reports, "junit.xml"))
	if suites.Failures != 1 || suites.Errors != 1 {
		t.Fatalf("junit failures = %d, errors = %d; want 1 and 1", suites.Failures, suites.Errors)
	}
	checkArtifacts(t, h.reports, "impossible-slo")
	runs := readRuns(t, h.reports, 3)
	if runs[0].ExitCode() != 0 {
		t.Errorf("setup-capabilities: exit %d (error %+v); want 0: every setup step works", runs[0].ExitCode(), runs[0].Error)
	}
	if runs[1].ExitCode() != 1 || runs[2].ExitCode() != 3 || runs[2].Faults[0].Evidence == nil || runs[2].Faults[0].Evidence.Took {
		t.Fatalf("results: exit %d and %d, evidence %+v; want 1, 3 and no evidence", runs[1].ExitCode(), runs[2].ExitCode(), runs[2].Faults[0].Evidence)
	}
	if left := leftBehind(t, out); len(left) > 0 {
		t.Fatalf("containers left after the runs: %v", left)
	}
}

type junitCounts struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
}

func readJUnit(t *testing.T, path string) junitCounts {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c junitCounts
	if err := xml.Unmarshal(data, &c); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	return c
}

// checkArtifacts: a failed run wrote its events, lease history and node
// logs under the report folder, recorded them in result.json, and its HTML
// report links each of them.
func checkArtifacts(t *testing.T, reportDir, scenario string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(reportDir, scenario, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res reports.Run
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("result.json: %v", err)
	}
	page, err := os.ReadFile(filepath.Join(reportDir, scenario, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, a := range res.Artifacts {
		found[path.Base(a.Path)] = true
		if _, err := os.Stat(filepath.Join(reportDir, filepath.FromSlash(a.Path))); err != nil {
			t.Errorf("artifact %q: %v", a.Path, err)
		}
		if !strings.Contains(string(page), `href="../`+a.Path+`"`) {
			t.Errorf("report.html does not link artifact %q", a.Path)
		}
	}
	for _, want := range []string{"events.txt", "leases.txt", "nodes"} {
		if !found[want] {
			t.Errorf("no artifact %s among %+v", want, res.Artifacts)
		}
	}
	leases, _ := os.ReadFile(filepath.Join(reportDir, "artifacts", res.RunID, "leases.txt"))
	if !strings.Contains(string(leases), "kube-system/kube-controller-manager") {
		t.Errorf("leases.txt lacks the controller-manager's lease:\n%s", leases)
	}
}
