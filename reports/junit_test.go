package reports

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/result"
	"github.com/harness-dev/harness/internal/timeline"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var started = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func run(name string) *result.Run {
	return &result.Run{
		Scenario: name, File: "scenarios/" + name + ".yaml", Seed: 42, RunID: name + "-abc123", Started: started,
		Duration: 95 * time.Second,
		Cluster:  result.Cluster{Name: "harness-" + name, Provider: "kind", NodeImage: "harness.dev/kind-node:v1.35.4", KubernetesVersion: "v1.35.4", Created: true},
		Faults:   []result.Fault{{Name: "partition-apiserver", Type: "partition", Target: "node control-plane", Start: 36800 * time.Millisecond, End: 67200 * time.Millisecond, Injected: true}},
		Timeline: []timeline.Event{
			{At: 0, Type: timeline.MarkReached, Mark: "run.start"},
			{At: 36800 * time.Millisecond, Type: timeline.MarkReached, Mark: "partition-apiserver.start", Note: "partition"},
			{At: 39300 * time.Millisecond, Type: timeline.OutageStarted, Note: "context deadline exceeded"},
			{At: 67200 * time.Millisecond, Type: timeline.MarkReached, Mark: "partition-apiserver.end"},
			{At: 84 * time.Second, Type: timeline.LeaseObserved, Lease: &timeline.Lease{Namespace: "kube-system", Name: "kube-controller-manager", Holder: "cp_2"}},
		},
	}
}

func verdict(name string, status assertions.Status, measured time.Duration, msg string) result.Assertion {
	return result.Assertion{Name: name, Type: "leaseHeld", From: "partition-apiserver.end", Verdict: assertions.Verdict{
		Status: status, SLO: 60 * time.Second, Measured: measured, Measurable: measured > 0, Message: msg}}
}

func fixtures() map[string]*result.Run {
	pass := run("lease-loss")
	pass.Assertions = []result.Assertion{verdict("kcm-lease-held", assertions.Passed, 16800*time.Millisecond,
		`lease kube-system/kube-controller-manager renewed by "cp_2" 16.8s after partition-apiserver.end (SLO 1m0s)`)}
	fail := run("lease-loss-strict")
	fail.Assertions = []result.Assertion{verdict("kcm-lease-held", assertions.Failed, 0,
		"lease kube-system/kube-controller-manager not held within 1m0s after partition-apiserver.end (last renewed 74.2s before the end of the window)")}
	errored := run("steady-broken")
	errored.Faults = nil
	errored.Error = &result.RunError{Phase: "steady-state", Message: "steady state does not hold before any fault: kcm-leads: lease not held"}
	return map[string]*result.Run{"passing": pass, "failing": fail, "erroring": errored}
}

func TestJUnitGolden(t *testing.T) {
	t.Parallel()
	for name, r := range fixtures() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := WriteJUnit(&buf, []*result.Run{r}); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".junit.golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./reports -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("JUnit differs from %s:\n%s", golden, buf.String())
			}
		})
	}
}

func TestJUnitCounts(t *testing.T) {
	t.Parallel()
	f := fixtures()
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, []*result.Run{f["passing"], f["failing"], f["erroring"]}); err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("JUnit does not parse: %v", err)
	}
	if got.Tests != 3 || got.Failures != 1 || got.Errors != 1 || len(got.Suites) != 3 {
		t.Fatalf("tests=%d failures=%d errors=%d suites=%d; want 3 1 1 3", got.Tests, got.Failures, got.Errors, len(got.Suites))
	}
	failCase := got.Suites[1].Cases[0]
	if failCase.Failure == nil || failCase.Failure.Type != "SLO" || !bytes.Contains([]byte(failCase.Failure.Message), []byte("not held within 1m0s")) {
		t.Fatalf("failing testcase: %+v", failCase)
	}
}

func TestResultJSONUsesSeconds(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, fixtures()["passing"]); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"apiVersion": "harness.dev/result/v1alpha1"`, `"measuredSeconds": 16.8`, `"sloSeconds": 60`,
		`"startSeconds": 36.8`, `"passed": true`, `"durationSeconds": 95`} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("result.json lacks %s:\n%s", want, buf.String())
		}
	}
}
