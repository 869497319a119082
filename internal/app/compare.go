package app

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/harness-dev/harness/internal/result"
	"github.com/harness-dev/harness/reports"
)

// compareCmd compares two results: each a result.json, or a report
// directory holding <scenario>/result.json files.
func compareCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tol reports.Tolerance
	fs.Float64Var(&tol.Percent, "tolerance", 20, "percent a measured recovery may grow before it is a regression")
	fs.DurationVar(&tol.Min, "min-delta", time.Second, "growth of a recovery below this is noise, whatever the percentage")
	if err := fs.Parse(args); err != nil {
		return usageErr("compare: %v", err)
	}
	if fs.NArg() != 2 {
		return usageErr("compare: want two results; usage: harness compare [--tolerance 20] [--min-delta 1s] BASE NEW " +
			"(each a result.json or a report directory)")
	}
	base, err := loadResults(fs.Arg(0))
	if err != nil {
		return err
	}
	now, err := loadResults(fs.Arg(1))
	if err != nil {
		return err
	}
	changes := reports.Compare(base, now, tol)
	reports.WriteComparison(stdout, changes)
	if reports.Regressions(changes) > 0 {
		return &ExitError{Code: ExitFailed, Err: fmt.Errorf("compare: %d regressions of %s against %s", reports.Regressions(changes), fs.Arg(1), fs.Arg(0))}
	}
	return nil
}

func loadResults(path string) ([]*result.Run, error) {
	files := []string{path}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		files, _ = filepath.Glob(filepath.Join(path, "*", "result.json"))
		sort.Strings(files)
		if len(files) == 0 {
			return nil, usageErr("compare: %s holds no */result.json; expected a result.json or the --report-dir of a run", path)
		}
	}
	var runs []*result.Run
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, usageErr("compare: %v", err)
		}
		var r result.Run
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, usageErr("compare: %s: %v; expected a result.json written by harness run", f, err)
		}
		runs = append(runs, &r)
	}
	return runs, nil
}
