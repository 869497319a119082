package app

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/harness-dev/harness/reports"
)

// newMergeCmd joins the report directories of shards into one report set.
func newMergeCmd(e env) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "merge [--out DIR] DIR...",
		Short: "Join the report directories of shards (run --shard K/N) into one report set",
		Long: `Join the --report-dir of several runs (the jobs of a CI matrix, each run with
--shard K/N) into one: junit.xml with every suite, index.html, and each
run's folder with its result, timeline and report. Exit as the runs did.`,
		Example: `  harness merge --out harness-reports shard-1 shard-2`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("merge: no report directory given; usage: harness merge [--out DIR] DIR...")
			}
			return nil
		},
		RunE: handler(func(_ *cobra.Command, args []string) error {
			runs, err := reports.Merge(out, args)
			if err != nil {
				return usageErr("merge: %v", err)
			}
			reports.Summary(e.Out, runs)
			fmt.Fprintf(e.Out, "merged %d runs from %d report directories into %s\n", len(runs), len(args), filepath.Join(out, "junit.xml"))
			return verdict(runs)
		}),
	}
	cmd.Flags().StringVar(&out, "out", "harness-reports", "directory that receives the merged junit.xml, index.html, result folders and artifacts")
	_ = cmd.MarkFlagDirname("out")
	return cmd
}
