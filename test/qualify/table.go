package qualify

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/harness-dev/harness/reports"
)

// Row is one line of the qualification table.
type Row struct {
	Round    int
	Entry    Entry
	Actual   string
	Problem  string
	Measured string
	Took     time.Duration
}

// NewRow judges a run.
func NewRow(round int, e Entry, r *reports.Run) Row {
	actual, problem := e.Judge(r)
	return Row{Round: round, Entry: e, Actual: actual, Problem: problem, Measured: measured(r), Took: r.Duration}
}

// measured summarises a run: each assertion's measured recovery, or the
// message of a failed one.
func measured(r *reports.Run) string {
	var parts []string
	for _, a := range r.Assertions {
		v := a.Verdict
		switch {
		case v.Status == "failed":
			parts = append(parts, a.Name+" FAILED: "+v.Message)
		case v.Measurable:
			parts = append(parts, fmt.Sprintf("%s %.1fs", a.Name, v.Measured.Seconds()))
		default:
			parts = append(parts, a.Name+" "+string(v.Status))
		}
	}
	return strings.Join(parts, "; ")
}

// WriteTable writes the rows as a Markdown table.
func WriteTable(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	fmt.Fprintln(tw, "| round\t| scenario\t| variant\t| expected\t| actual\t| ok\t| run\t| measured\t|")
	fmt.Fprintln(tw, "| ---\t| ---\t| ---\t| ---\t| ---\t| ---\t| ---\t| ---\t|")
	for _, r := range rows {
		ok := "yes"
		if r.Problem != "" {
			ok = "NO: " + r.Problem
		}
		variant := r.Entry.Variant
		if variant == "" {
			variant = "-"
		}
		fmt.Fprintf(tw, "| %d\t| %s\t| %s\t| %s\t| %s\t| %s\t| %.0fs\t| %s\t|\n", r.Round, strings.TrimSuffix(r.Entry.Scenario, ".yaml"),
			variant, r.Entry.Expect, r.Actual, ok, r.Took.Seconds(), strings.ReplaceAll(r.Measured, "|", "/"))
	}
	_ = tw.Flush()
}
