package e2e

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-dev/harness/internal/result"
)

// stockScenarios are the files of scenarios/ that .ci/run runs end to end
// (kill-controller-manager runs five times in TestIntegrationRepeatAndCompare).
var stockScenarios = []string{
	"lease-loss", "pause-controller-manager", "partition-controller-manager",
	"reboot-control-plane", "rebuild-etcd-apiserver", "expire-apiserver-cert", "delete-crds-during-startup",
}

// TestIntegrationStockScenarios runs the stock control-plane scenarios end
// to end: the stock components recover, so every SLO passes (exit 0).
func TestIntegrationStockScenarios(t *testing.T) {
	for _, name := range stockScenarios {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			out, code := h.run(filepath.Join("scenarios", name+".yaml"))
			if code != 0 {
				t.Fatalf("exit code %d, want 0 (all SLOs met):\n%s", code, out)
			}
			suites := readJUnit(t, filepath.Join(h.reports, "junit.xml"))
			if suites.Tests < 3 || suites.Failures != 0 || suites.Errors != 0 {
				t.Fatalf("junit: tests=%d failures=%d errors=%d; want >=3, 0, 0", suites.Tests, suites.Failures, suites.Errors)
			}
			if _, err := os.Stat(filepath.Join(h.reports, name, "result.json")); err != nil {
				t.Fatalf("result.json missing: %v", err)
			}
			if left := leftBehind(t, out); len(left) > 0 {
				t.Fatalf("containers left after the run: %v", left)
			}
		})
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

// TestIntegrationImpossibleSLOFails shows the verdict the other way: the
// same recovery judged against a 1s SLO fails with exit code 1 and a message
// naming the lease, the SLO and the measured time.
func TestIntegrationImpossibleSLOFails(t *testing.T) {
	h := newHarness(t)
	out, code := h.run(scenarioFile(t, impossibleSLO))
	if code != 1 {
		t.Fatalf("exit code %d, want 1 (an SLO failed):\n%s", code, out)
	}
	want := "lease kube-system/kube-controller-manager not held within 1s after kill-kcm.end (last renewed"
	if !strings.Contains(out, want) {
		t.Fatalf("output lacks %q:\n%s", want, out)
	}
	suites := readJUnit(t, filepath.Join(h.reports, "junit.xml"))
	if suites.Failures != 1 {
		t.Fatalf("junit failures = %d, want 1", suites.Failures)
	}
	checkArtifacts(t, h.reports, "impossible-slo")
	if left := leftBehind(t, out); len(left) > 0 {
		t.Fatalf("containers left after the failed run: %v", left)
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
func checkArtifacts(t *testing.T, reports, scenario string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(reports, scenario, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res result.Run
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("result.json: %v", err)
	}
	page, err := os.ReadFile(filepath.Join(reports, scenario, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, a := range res.Artifacts {
		found[path.Base(a.Path)] = true
		if _, err := os.Stat(filepath.Join(reports, filepath.FromSlash(a.Path))); err != nil {
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
	leases, _ := os.ReadFile(filepath.Join(reports, "artifacts", res.RunID, "leases.txt"))
	if !strings.Contains(string(leases), "kube-system/kube-controller-manager") {
		t.Errorf("leases.txt lacks the controller-manager's lease:\n%s", leases)
	}
}
