// Package qualify is the qualification suite: it proves the harness's
// verdicts by running the five documented self-healing failures with a
// component that reproduces each (variant bug, which must fail for the
// named reason) and one that heals (variant fixed, which must pass), plus
// the stock control-plane scenarios, on one shared kind cluster.
package qualify

import "github.com/harness-dev/harness/reports"

// Expect is the verdict a suite entry must get.
type Expect string

// Expected verdicts.
const (
	Pass Expect = "passed"
	Fail Expect = "failed"
)

// Entry is one scenario run of the suite.
type Entry struct {
	Scenario string // file name under scenarios/
	Variant  string // the scenario's variant parameter; "" for none
	Expect   Expect
	// Because names the assertions that must fail when Expect is Fail: the
	// right reason.
	Because []string
	// Namespace is deleted after the run so the next one starts clean.
	Namespace string
}

// Selfheal lists the six failures, bug and fixed.
func Selfheal() []Entry {
	var out []Entry
	for _, f := range []struct {
		mode    string
		because []string
	}{
		{"supervisor", []string{"controller-leads-again"}},
		{"certs", []string{"component-ready-again"}},
		{"discovery", []string{"component-ready"}},
		{"hooks", []string{"agent-never-exits"}},
		{"dataplane", []string{"serves-during-refusal", "serves-after"}},
		{"reconciler", []string{"reconciles-again"}},
	} {
		file, ns := "selfheal-"+f.mode+".yaml", "selfheal-"+f.mode
		out = append(out,
			Entry{Scenario: file, Variant: "bug", Expect: Fail, Because: f.because, Namespace: ns},
			Entry{Scenario: file, Variant: "fixed", Expect: Pass, Namespace: ns})
	}
	return out
}

// Stock lists the stock control-plane scenarios, which must pass.
func Stock() []Entry {
	var out []Entry
	for _, s := range []string{"kill-controller-manager", "lease-loss", "pause-controller-manager",
		"partition-controller-manager", "delete-crds-during-startup", "rebuild-etcd-apiserver",
		"expire-apiserver-cert", "reboot-control-plane", "controller-manager-works"} {
		out = append(out, Entry{Scenario: s + ".yaml", Expect: Pass})
	}
	return out
}

// Judge compares a run with what the entry expects and returns the actual
// verdict and, when it is wrong, why.
func (e Entry) Judge(r *reports.Run) (actual string, problem string) {
	switch {
	case r.Error != nil:
		return "error", "run error in " + r.Error.Phase + ": " + r.Error.Message
	case r.Inconclusive():
		return "inconclusive", "a fault showed no evidence that it took effect"
	case r.Passed():
		actual = string(Pass)
	default:
		actual = string(Fail)
	}
	if actual != string(e.Expect) {
		return actual, "expected " + string(e.Expect)
	}
	for _, name := range e.Because {
		if !failedAssertion(r, name) {
			return actual, "expected assertion " + name + " to fail (the reason of the failure)"
		}
	}
	return actual, ""
}

func failedAssertion(r *reports.Run, name string) bool {
	for _, a := range r.Assertions {
		if a.Name == name && a.Verdict.Status == "failed" {
			return true
		}
	}
	return false
}
