package app

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/harness-dev/harness/reports"
)

// newCompareCmd compares two results: each a result.json, or a report
// directory holding <scenario>/result.json files.
func newCompareCmd(e env) *cobra.Command {
	var tol reports.Tolerance
	cmd := &cobra.Command{
		Use:   "compare [flags] BASE NEW",
		Short: "Report assertions that regressed between two results (exit 1 when any did)",
		Long: `Compare two results, each a result.json or the --report-dir of a run: a
measured recovery that grew by more than --tolerance percent (and more
than --min-delta) is a regression, and so is a verdict that no longer
passes. Exit 1 when any regressed.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageErr("compare: want two results; usage: harness compare [--tolerance 20] [--min-delta 1s] BASE NEW " +
					"(each a result.json or a report directory)")
			}
			return nil
		},
		RunE: handler(func(_ *cobra.Command, args []string) error {
			return compare(e.Out, tol, args[0], args[1])
		}),
	}
	cmd.Flags().Float64Var(&tol.Percent, "tolerance", 20, "percent a measured recovery may grow before it is a regression")
	cmd.Flags().DurationVar(&tol.Min, "min-delta", time.Second, "growth of a recovery below this is noise, whatever the percentage")
	return cmd
}

func compare(stdout io.Writer, tol reports.Tolerance, baseArg, newArg string) error {
	base, err := loadResults(baseArg)
	if err != nil {
		return err
	}
	now, err := loadResults(newArg)
	if err != nil {
		return err
	}
	changes := reports.Compare(base, now, tol)
	reports.WriteComparison(stdout, changes)
	if reports.Regressions(changes) > 0 {
		return &ExitError{Code: ExitFailed, Err: fmt.Errorf("compare: %d regressions of %s against %s", reports.Regressions(changes), newArg, baseArg)}
	}
	return nil
}

func loadResults(path string) ([]*reports.Run, error) {
	runs, err := reports.ReadResults(path)
	if err != nil {
		return nil, usageErr("compare: %v", err)
	}
	return runs, nil
}
