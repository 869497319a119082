package e2e

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stockScenarios are the files of scenarios/ that .ci/run runs end to end.
var stockScenarios = []string{
	"lease-loss", "kill-controller-manager", "pause-controller-manager", "partition-controller-manager",
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
			if left := clusterContainers(t, "harness-"+name); len(left) > 0 {
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
	if left := clusterContainers(t, "harness-impossible-slo"); len(left) > 0 {
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
