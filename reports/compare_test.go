package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/assertions"
)

func runOf(scenario string, as ...Assertion) *Run {
	return &Run{Scenario: scenario, Assertions: as}
}

func measuredAs(name string, status assertions.Status, sec float64) Assertion {
	return Assertion{Name: name, Verdict: assertions.Verdict{Status: status, Measurable: status == assertions.Passed,
		Measured: time.Duration(sec * float64(time.Second)), Message: name + " " + string(status)}}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	tol := Tolerance{Percent: 20, Min: time.Second}
	base := []*Run{runOf("kcm", measuredAs("lease", assertions.Passed, 10), measuredAs("ready", assertions.Passed, 20),
		measuredAs("pods", assertions.Passed, 2), measuredAs("gone", assertions.Passed, 1), measuredAs("flaky", assertions.Failed, 0))}
	tests := []struct {
		name, assertion string
		new             Assertion
		want            string
	}{
		{"within the tolerance", "lease", measuredAs("lease", assertions.Passed, 11.9), ""},
		{"faster", "lease", measuredAs("lease", assertions.Passed, 5), ""},
		{"slower beyond the tolerance", "lease", measuredAs("lease", assertions.Passed, 12.5), "recovery 10s -> 12.5s (+25%), beyond the tolerance of 20% and 1s"},
		{"small absolute growth is noise", "pods", measuredAs("pods", assertions.Passed, 2.9), ""},
		{"now failing", "ready", measuredAs("ready", assertions.Failed, 0), "passed before, failed now: ready failed"},
		{"failing before and now is no regression", "flaky", measuredAs("flaky", assertions.Failed, 0), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			changes := Compare(base, []*Run{runOf("kcm", tt.new)}, tol)
			for _, c := range changes {
				if c.Assertion == tt.assertion && c.Regression != tt.want {
					t.Fatalf("regression %q; want %q", c.Regression, tt.want)
				}
				if c.Assertion == "gone" && c.Regression != "missing from the new result" {
					t.Fatalf("missing assertion: %q", c.Regression)
				}
			}
		})
	}
}

func TestWriteComparison(t *testing.T) {
	t.Parallel()
	base := []*Run{runOf("kcm", measuredAs("lease", assertions.Passed, 10))}
	new := []*Run{runOf("kcm", measuredAs("lease", assertions.Passed, 30))}
	changes := Compare(base, new, Tolerance{Percent: 20, Min: time.Second})
	var out bytes.Buffer
	WriteComparison(&out, changes)
	for _, want := range []string{"kcm       lease      passed 10s  passed 30s  REGRESSION", "REGRESSION kcm/lease: recovery 10s -> 30s (+200%)", "1 assertions compared, 1 regressions"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDistribution(t *testing.T) {
	t.Parallel()
	var runs []*Run
	for i := 1; i <= 20; i++ {
		runs = append(runs, runOf("kcm", measuredAs("lease", assertions.Passed, float64(i))))
	}
	runs = append(runs, runOf("kcm", measuredAs("lease", assertions.Failed, 0)))
	broken := runOf("kcm", measuredAs("lease", assertions.Passed, 5))
	broken.Error = &RunError{Phase: "revert", Message: "x"}
	runs = append(runs, broken)
	st := Distribution(runs)
	if len(st) != 1 {
		t.Fatalf("stats %+v", st)
	}
	s := st[0]
	if s.Runs != 22 || s.Passed != 20 || s.Measured != 21 || s.Min != 1 || s.Max != 20 || s.P50 != 10 || s.P95 != 19 {
		t.Fatalf("stats %+v", s)
	}
	var out bytes.Buffer
	WriteDistribution(&out, st)
	if !strings.Contains(out.String(), "91% (20/22)") {
		t.Errorf("table:\n%s", out.String())
	}
}
