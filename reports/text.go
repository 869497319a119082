package reports

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/harness-dev/harness/assertions"
)

// Summary writes, for a terminal, a table of every assertion's SLO, measured
// time and verdict, then the message of each failure and run error, then
// one line of totals.
func Summary(w io.Writer, runs []*Run) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tASSERTION\tSLO\tMEASURED\tVERDICT")
	for _, r := range runs {
		if r.Error != nil {
			fmt.Fprintf(tw, "%s\t(%s)\t-\t-\tERROR\n", r.Scenario, r.Error.Phase)
		}
		for _, a := range r.Assertions {
			measured := "-"
			if a.Measurable {
				measured = human(a.Measured)
			}
			fmt.Fprintf(tw, "%s\t%s (%s)\t%s\t%s\t%s\n", r.Scenario, a.Name, a.Type, human(a.SLO), measured, verdictWord(r, a))
		}
	}
	tw.Flush()
	problems := false
	for _, r := range runs {
		for _, line := range problemLines(r) {
			if !problems {
				fmt.Fprintln(w)
				problems = true
			}
			fmt.Fprintln(w, line)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, totals(runs))
}

// verdictWord is what the table says of an assertion.
func verdictWord(r *Run, a Assertion) string {
	switch {
	case a.Status == assertions.Passed:
		return "PASSED"
	case a.Status == assertions.Failed:
		return "FAILED"
	case a.Status == assertions.Inconclusive:
		return "INCONCLUSIVE"
	case r.Error != nil:
		return "NOT EVALUATED"
	}
	return "UNDECIDED"
}

// problemLines explains the run error and every assertion that did not pass.
func problemLines(r *Run) []string {
	var out []string
	if r.Error != nil {
		out = append(out, fmt.Sprintf("%s: ERROR in %s: %s", r.Scenario, r.Error.Phase, r.Error.Message))
	}
	for _, a := range r.Assertions {
		word := verdictWord(r, a)
		if word == "PASSED" || word == "NOT EVALUATED" {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %s %s: %s %s", r.Scenario, word, a.Name, a.Message, sloNote(a)))
	}
	return out
}

// totals is "3 scenarios: 1 passed, 1 failed, 1 could not be judged".
func totals(runs []*Run) string {
	counts := map[int]int{}
	for _, r := range runs {
		counts[r.ExitCode()]++
	}
	noun := "scenarios"
	if len(runs) == 1 {
		noun = "scenario"
	}
	parts := []string{fmt.Sprintf("%d passed", counts[ExitPassed])}
	if n := counts[ExitFailed]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", n))
	}
	if n := counts[ExitError]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d could not be judged", n))
	}
	return fmt.Sprintf("%d %s: %s", len(runs), noun, strings.Join(parts, ", "))
}
