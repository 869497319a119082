package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"path/filepath"
	"strings"
	"time"

	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/internal/journal"
	"github.com/harness-dev/harness/internal/result"
	"github.com/harness-dev/harness/internal/runner"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
)

type runFlags struct {
	reportDir, nodeImage, cluster, allowContext string
	keepCluster, verbose                        bool
	seed                                        int64
	timeout                                     time.Duration
	params                                      map[string]string
	repeat                                      int
	output                                      string
}

// param records one --param NAME=VALUE.
func (f *runFlags) param(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q: expected NAME=VALUE", s)
	}
	if f.params == nil {
		f.params = map[string]string{}
	}
	f.params[k] = v
	return nil
}

func parseRunFlags(args []string, stderr io.Writer) (*runFlags, []string, error) {
	f := &runFlags{}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.reportDir, "report-dir", "harness-reports", "directory for junit.xml, result.json and timelines")
	fs.StringVar(&f.nodeImage, "node-image", "", "kind node image (default: the scenario's, else "+kind.DefaultNodeImage+"; `make node-image` builds "+kind.OfflineNodeImage+")")
	fs.StringVar(&f.cluster, "cluster", "", "run on this existing kind cluster instead of creating one (needs --allow-context kind-NAME)")
	fs.StringVar(&f.allowContext, "allow-context", "", "the kubeconfig context a run on an existing cluster may touch")
	fs.BoolVar(&f.keepCluster, "keep-cluster", false, "keep the cluster of a run that did not pass, and print how to reach it")
	fs.BoolVar(&f.verbose, "v", false, "log details to stderr")
	fs.Int64Var(&f.seed, "seed", 0, "seed of the run's randomness (default: from the clock; printed and reported)")
	fs.IntVar(&f.repeat, "repeat", 1, "run each scenario N times and report the distribution of each measured recovery (release qualification)")
	fs.StringVar(&f.output, "output", "text", "what to print at the end: text (a table) or json (the results; progress then goes to stderr)")
	fs.Func("param", "NAME=VALUE: a value for the scenario's parameter NAME (repeatable)", f.param)
	fs.DurationVar(&f.timeout, "timeout", 10*time.Minute, "how long to observe after the faults before undecided assertions fail")
	if err := fs.Parse(args); err != nil {
		return nil, nil, usageErr("run: %v", err)
	}
	if fs.NArg() == 0 {
		return nil, nil, usageErr("run: no scenario file given; usage: harness run [flags] FILE...")
	}
	if f.cluster != "" && f.allowContext != "kind-"+f.cluster {
		return nil, nil, usageErr("run: refusing to inject faults into cluster %q that this run did not create; "+
			"name its context with --allow-context kind-%s to allow it", f.cluster, f.cluster)
	}
	if f.repeat < 1 {
		return nil, nil, usageErr("run: --repeat %d: expected 1 or more", f.repeat)
	}
	if f.output != "text" && f.output != "json" {
		return nil, nil, usageErr("run: --output %q: valid outputs: text, json", f.output)
	}
	if f.seed == 0 {
		f.seed = time.Now().UnixNano()
	}
	return f, fs.Args(), nil
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, files, err := parseRunFlags(args, stderr)
	if err != nil {
		return err
	}
	scs, err := loadAll(files)
	if err != nil {
		return err
	}
	params := make([]map[string]string, len(scs))
	for i, sc := range scs {
		if params[i], err = sc.ResolveParams(f.params); err != nil {
			return usageErr("run: %v", err)
		}
		if r := sc.Cluster.Reuse; r != "" && f.cluster == "" && f.allowContext != "kind-"+r {
			return usageErr("run: %s reuses cluster %q, which this run did not create; "+
				"name its context with --allow-context kind-%s to allow faults in it", sc.File, r, r)
		}
	}
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	quietClientGo(log, f.verbose)
	progress := reports.Colour(stdout) // plain text unless stdout is a terminal
	if f.output == "json" {
		progress = reports.Colour(stderr)
	}
	rng := rand.New(rand.NewSource(f.seed))
	fmt.Fprintf(progress, "seed %d\n", f.seed)
	opts := runner.Options{
		Provider:  kind.New(log, journal.KubeconfigDir()),
		NodeImage: f.nodeImage, Cluster: f.cluster, KeepCluster: f.keepCluster,
		ReportDir: f.reportDir, JournalDir: journal.DefaultDir(), Rand: rng, Seed: f.seed,
		Timeout: f.timeout, Progress: progress, Log: log,
	}
	runs := runAll(ctx, scs, params, opts, f.repeat)
	if err := writeRunOutput(f, runs, stdout); err != nil {
		return err
	}
	return verdict(runs)
}

// runAll runs every scenario repeat times, one after the other, until ctx
// ends.
func runAll(ctx context.Context, scs []*scenarios.Scenario, params []map[string]string, opts runner.Options, repeat int) []*result.Run {
	var runs []*result.Run
	for i, sc := range scs {
		opts.Params = params[i]
		for n := 0; n < repeat && ctx.Err() == nil; n++ {
			if repeat > 1 {
				fmt.Fprintf(opts.Progress, "== %s: run %d of %d\n", sc.Metadata.Name, n+1, repeat)
			}
			runs = append(runs, runner.Run(ctx, sc, opts))
		}
	}
	return runs
}

// writeRunOutput writes the reports, then the summary (a table, or JSON).
func writeRunOutput(f *runFlags, runs []*result.Run, stdout io.Writer) error {
	if err := reports.WriteAll(f.reportDir, runs); err != nil {
		return &ExitError{Code: ExitInfra, Err: fmt.Errorf("write reports: %w", err)}
	}
	var dist []reports.Stats
	if f.repeat > 1 {
		dist = reports.Distribution(runs)
		if err := reports.WriteStats(filepath.Join(f.reportDir, "distribution.json"), dist); err != nil {
			return &ExitError{Code: ExitInfra, Err: fmt.Errorf("write reports: %w", err)}
		}
	}
	if f.output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Runs         []*result.Run   `json:"runs"`
			Distribution []reports.Stats `json:"distribution,omitempty"`
		}{runs, dist})
	}
	fmt.Fprintln(stdout)
	reports.Summary(reports.Colour(stdout), runs)
	if dist != nil {
		fmt.Fprintf(stdout, "\nrecovery over %d runs of each scenario:\n", f.repeat)
		reports.WriteDistribution(stdout, dist)
	}
	fmt.Fprintf(stdout, "reports: %s\n", filepath.Join(f.reportDir, "junit.xml"))
	return nil
}

// verdict turns the runs into the exit error: infrastructure errors first,
// then failed SLOs.
func verdict(runs []*result.Run) error {
	code := ExitOK
	for _, r := range runs {
		if c := r.ExitCode(); c == ExitInfra || (c == ExitFailed && code == ExitOK) {
			code = c
		}
	}
	switch code {
	case ExitInfra:
		return &ExitError{Code: code, Err: errors.New("a run could not be judged (see the error above)")}
	case ExitFailed:
		return &ExitError{Code: code, Err: errors.New("an SLO was not met")}
	}
	return nil
}

// loadAll decodes every file before anything runs, so a bad file costs no
// cluster.
func loadAll(files []string) ([]*scenarios.Scenario, error) {
	var out []*scenarios.Scenario
	var errs []error
	for _, file := range files {
		sc, err := scenarios.Load(file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, sc)
	}
	if len(errs) > 0 {
		return nil, &ExitError{Code: ExitUsage, Err: errors.Join(errs...)}
	}
	return out, nil
}

func validateCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr("validate: no scenario file given; usage: harness validate FILE...")
	}
	if _, err := loadAll(args); err != nil {
		return err
	}
	for _, f := range args {
		fmt.Fprintf(stdout, "%s: valid\n", f)
	}
	return nil
}
