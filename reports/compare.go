package reports

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/harness-dev/harness/assertions"
)

// Tolerance says how much slower a recovery may get before it counts as a
// regression: both the relative and the absolute growth must exceed it.
type Tolerance struct {
	Percent float64       // e.g. 20 for 20%
	Min     time.Duration // e.g. 1s: smaller growth is noise
}

// Change is the comparison of one assertion between two runs.
type Change struct {
	Scenario, Assertion string
	Base, New           Assertion
	// Regression says why the change is a regression; "" when it is not.
	Regression string
}

// Compare matches the assertions of new with those of base by scenario and
// name. A regression is an assertion that passed in base and does not in
// new, is missing from new, or whose measured recovery grew beyond tol.
func Compare(base, new []*Run, tol Tolerance) []Change {
	newIdx := map[string]Assertion{}
	for _, r := range new {
		for _, a := range r.Assertions {
			newIdx[r.Scenario+"/"+a.Name] = a
		}
	}
	var out []Change
	for _, r := range base {
		for _, b := range r.Assertions {
			n, ok := newIdx[r.Scenario+"/"+b.Name]
			c := Change{Scenario: r.Scenario, Assertion: b.Name, Base: b, New: n}
			switch {
			case !ok:
				c.Regression = "missing from the new result"
			case b.Status == assertions.Passed && n.Status != assertions.Passed:
				c.Regression = fmt.Sprintf("passed before, %s now: %s", n.Status, n.Message)
			case b.Status == assertions.Passed && b.Measurable && n.Measurable:
				c.Regression = slower(b.Measured, n.Measured, tol)
			}
			out = append(out, c)
		}
	}
	return out
}

func slower(base, now time.Duration, tol Tolerance) string {
	grew := now - base
	if grew <= tol.Min {
		return ""
	}
	if base > 0 && float64(grew)/float64(base)*100 <= tol.Percent {
		return ""
	}
	return fmt.Sprintf("recovery %s -> %s (%s), beyond the tolerance of %.0f%% and %s",
		human(base), human(now), percent(base, now), tol.Percent, human(tol.Min))
}

func percent(base, now time.Duration) string {
	if base <= 0 {
		return "new"
	}
	return fmt.Sprintf("%+.0f%%", (float64(now)/float64(base)-1)*100)
}

// Regressions counts the changes that are regressions.
func Regressions(changes []Change) int {
	n := 0
	for _, c := range changes {
		if c.Regression != "" {
			n++
		}
	}
	return n
}

// WriteComparison writes one line per assertion, then the regressions.
func WriteComparison(w io.Writer, changes []Change) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tASSERTION\tBASE\tNEW\tCHANGE")
	for _, c := range changes {
		word := "ok"
		if c.Regression != "" {
			word = "REGRESSION"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Scenario, c.Assertion, brief(c.Base), brief(c.New), word)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, c := range changes {
		if c.Regression != "" {
			fmt.Fprintf(w, "REGRESSION %s/%s: %s\n", c.Scenario, c.Assertion, c.Regression)
		}
	}
	fmt.Fprintf(w, "%d assertions compared, %d regressions\n", len(changes), Regressions(changes))
}

func brief(a Assertion) string {
	switch {
	case a.Name == "":
		return "-"
	case a.Measurable:
		return fmt.Sprintf("%s %s", a.Status, human(a.Measured))
	}
	return string(a.Status)
}
