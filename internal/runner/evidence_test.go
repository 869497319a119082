package runner

import (
	"strings"
	"testing"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/reports"
)

// TestInconclusiveWithoutEvidence: the assertions measured from a fault
// that showed no evidence (from its start or end, or the faults' start or
// end) are inconclusive, never passed, with the missing evidence in the
// message; a fault declared without effect, or with evidence, leaves
// verdicts as they are; the run exits 3.
func TestInconclusiveWithoutEvidence(t *testing.T) {
	t.Parallel()
	passed := assertions.Verdict{Status: assertions.Passed, Measured: 3, Measurable: true, Message: "lease renewed"}
	r := &run{pr: newProgress(nil), res: &reports.Run{
		Faults: []reports.Fault{
			{Name: "cut", Type: "partition", Injected: true, Evidence: &reports.Evidence{Observed: "the partition's DROP rules matched no packet"}},
			{Name: "kill", Type: "kill", Injected: true, Evidence: &reports.Evidence{Took: true, Observed: "1 signalled process gone"}},
			{Name: "noop", Type: "pause", Injected: true, Evidence: &reports.Evidence{ExpectNoEffect: true, Observed: "not stopped"}},
		},
		Assertions: []reports.Assertion{
			{Name: "a", From: "cut.end", Verdict: passed},
			{Name: "b", From: "kill.end", Verdict: passed},
			{Name: "c", From: "faults.end", Verdict: passed},
			{Name: "d", From: "noop.end", Verdict: passed},
			{Name: "e", From: "steady-state", Verdict: passed},
		},
	}}
	r.inconclusive()
	want := map[string]assertions.Status{"a": assertions.Inconclusive, "b": assertions.Passed, "c": assertions.Inconclusive,
		"d": assertions.Passed, "e": assertions.Passed}
	for _, a := range r.res.Assertions {
		if a.Status != want[a.Name] {
			t.Errorf("%s: %s, want %s (%s)", a.Name, a.Status, want[a.Name], a.Message)
		}
	}
	if m := r.res.Assertions[0].Message; !strings.Contains(m, "fault cut (partition) shows no evidence that it took effect: the partition's DROP rules matched no packet") ||
		!strings.Contains(m, "it would be passed") || r.res.Assertions[0].Measurable {
		t.Errorf("message %q", m)
	}
	if r.res.ExitCode() != reports.ExitError || r.res.Passed() {
		t.Errorf("exit %d, passed %v; want 3 and not passed", r.res.ExitCode(), r.res.Passed())
	}
}
