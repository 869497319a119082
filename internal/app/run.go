package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/harness-dev/harness"
	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
)

// runOptions are the flags of `harness run`.
type runOptions struct {
	reportDir, nodeImage, kubernetesVersion, cluster, allowContext string
	keepCluster, verbose                                           bool
	seed                                                           int64
	timeout                                                        time.Duration
	params                                                         []string
	repeat                                                         int
	output                                                         string
	allowOutside                                                   bool
	// suite
	shard, timings, labelSelector string
	freshCluster                  bool
	resetTimeout                  time.Duration
}

func (o *runOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.reportDir, "report-dir", "harness-reports", "directory for junit.xml, result.json and timelines")
	fs.StringVar(&o.nodeImage, "node-image", "", "kind node image (default: the scenario's, else "+kind.DefaultNodeImage+"; make node-image builds "+kind.OfflineNodeImage+")")
	fs.StringVar(&o.kubernetesVersion, "kubernetes-version", "", "Kubernetes release of the cluster, vMAJOR.MINOR.PATCH (default: the scenario's cluster.kubernetesVersion, else "+kind.DefaultKubernetesVersion+"; make node-image KUBERNETES_VERSION=V builds its image)")
	fs.StringVar(&o.cluster, "cluster", "", "run on this existing kind cluster instead of creating one (needs --allow-context kind-NAME)")
	fs.StringVar(&o.allowContext, "allow-context", "", "the kubeconfig context a run on an existing cluster may touch")
	fs.BoolVar(&o.keepCluster, "keep-cluster", false, "keep the cluster of a run that did not pass, and print how to reach it")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "log details to stderr")
	fs.Int64Var(&o.seed, "seed", 0, "seed of the scenario's randomness (default: from the clock; printed and reported); runs are unique whatever the seed")
	fs.IntVar(&o.repeat, "repeat", 1, "run each scenario N times and report the distribution of each measured recovery (release qualification)")
	fs.StringVarP(&o.output, "output", "o", "text", "what to print at the end: text (a table) or json (the results; progress then goes to stderr)")
	fs.StringArrayVar(&o.params, "param", nil, "NAME=VALUE: a value for the scenario's parameter NAME (repeatable)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "how long to observe after the faults end before undecided assertions fail (at most 24h)")
	fs.BoolVar(&o.allowOutside, "allow-manifests-outside", false, "let setup.manifests name files outside the scenario's folder (off: a scenario reads only its own folder)")
	fs.StringVar(&o.shard, "shard", "", "K/N: run the K-th of N deterministic shares of the scenarios (a CI matrix job; join the reports with harness merge)")
	fs.StringVar(&o.timings, "timings", "", "a report directory of an earlier run whose durations balance --shard (default: balance by count)")
	fs.StringVarP(&o.labelSelector, "label-selector", "l", "", "run only the scenarios whose metadata.labels match, e.g. suite=control-plane")
	fs.BoolVar(&o.freshCluster, "fresh-cluster", false, "give every run (and every --repeat) a cluster of its own instead of sharing one between alike scenarios")
	fs.DurationVar(&o.resetTimeout, "reset-timeout", 5*time.Minute, "how long a shared cluster may take to come back to its known state between runs before it is replaced")
}

func newRunCmd(e env) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [flags] FILE|DIR|- ...",
		Short: "Run scenarios on kind clusters and judge their SLOs",
		Long: `Run scenarios on kind clusters and judge their SLOs. Each argument is a
scenario file, a directory (its *.yaml files, in order) or - (standard
input). Every scenario is checked before any cluster is created.`,
		Example: `  harness run --node-image harness.dev/kind-node:v1.35.4 scenarios/lease-loss.yaml
  harness run --param variant=bug scenarios/selfheal-hooks.yaml
  harness run --report-dir out scenarios/`,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: completeScenarios,
		Annotations:       map[string]string{annotationUndoes: "true"},
		RunE: handler(func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), e, args)
		}),
	}
	o.addFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagDirname("report-dir")
	return cmd
}

// check refuses flags that cannot work, before anything is loaded.
func (o *runOptions) check() error {
	if o.cluster != "" && o.allowContext != "kind-"+o.cluster {
		return usageErr("run: refusing to inject faults into cluster %q that this run did not create; "+
			"name its context with --allow-context kind-%s to allow it", o.cluster, o.cluster)
	}
	if v := o.kubernetesVersion; v != "" && !kind.IsVersion(v) {
		return usageErr("run: --kubernetes-version %q: expected a release such as %s", v, kind.DefaultKubernetesVersion)
	}
	if has := kind.ImageVersion(o.nodeImage); has != "" && o.kubernetesVersion != "" && has != o.kubernetesVersion {
		return usageErr("run: --node-image %s holds Kubernetes %s, but --kubernetes-version is %s; give one of them",
			o.nodeImage, has, o.kubernetesVersion)
	}
	if o.repeat < 1 {
		return usageErr("run: --repeat %d: expected 1 or more", o.repeat)
	}
	if o.output != "text" && o.output != "json" {
		return usageErr("run: --output %q: valid outputs: text, json", o.output)
	}
	if o.timeout <= 0 || o.timeout > scenarios.MaxDuration {
		return usageErr("run: --timeout %s: expected a duration above zero and at most 24h, such as 10m", o.timeout)
	}
	if st, err := os.Stat(o.reportDir); err == nil && !st.IsDir() {
		return usageErr("run: --report-dir %s is a file; expected a directory (or a path to create one)", o.reportDir)
	}
	if o.resetTimeout <= 0 || o.resetTimeout > scenarios.MaxDuration {
		return usageErr("run: --reset-timeout %s: expected a duration above zero and at most 24h, such as 5m", o.resetTimeout)
	}
	if o.nodeImage != "" {
		if err := scenarios.ValidateImage(o.nodeImage); err != nil {
			return usageErr("run: --node-image: %v", err)
		}
	}
	return nil
}

func (o *runOptions) run(ctx context.Context, e env, args []string) error {
	if err := o.check(); err != nil {
		return err
	}
	set, err := params(o.params)
	if err != nil {
		return err
	}
	scs, err := loadAll(args, e.In, scenarios.Options{AllowManifestsOutside: o.allowOutside})
	if err != nil {
		return err
	}
	if scs, err = o.selectScenarios(scs); err != nil {
		return err
	}
	if len(scs) == 0 {
		fmt.Fprintln(e.Out, "no scenario to run in this share or for this selector")
		return nil
	}
	for _, sc := range scs {
		if err := checkScenario(sc, set, o.nodeImage); err != nil {
			return usageErr("run: %v", err)
		}
		if r := sc.Cluster.Reuse; r != "" && o.cluster == "" && o.allowContext != "kind-"+r {
			return usageErr("run: %s reuses cluster %q, which this run did not create; "+
				"name its context with --allow-context kind-%s to allow faults in it", sc.File, r, r)
		}
	}
	if o.seed == 0 {
		o.seed = time.Now().UnixNano()
	}
	log := o.logger(e.Err)
	progress := reports.Colour(e.Out) // plain text unless stdout is a terminal
	if o.output == "json" {
		progress = reports.Colour(e.Err)
	}
	fmt.Fprintf(progress, "seed %d\n", o.seed)
	so := harness.SuiteOptions{Repeat: o.repeat, FreshCluster: o.freshCluster, ResetTimeout: o.resetTimeout, Options: harness.Options{
		NodeImage: o.nodeImage, KubernetesVersion: o.kubernetesVersion, KeepCluster: o.keepCluster, ReportDir: o.reportDir, Seed: o.seed,
		Params: set, Timeout: o.timeout, Progress: progress, Log: log,
	}}
	if o.cluster != "" {
		c, err := harness.UseCluster(ctx, o.cluster, log)
		if err != nil {
			return infraErr(err)
		}
		so.Cluster = c
	}
	runs, err := harness.RunSuite(ctx, scs, so)
	if err != nil {
		return infraErr(err)
	}
	if err := o.writeOutput(runs, e.Out); err != nil {
		return err
	}
	return verdict(runs)
}

func (o *runOptions) logger(stderr io.Writer) *slog.Logger {
	level := slog.LevelWarn
	if o.verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	quietClientGo(log, o.verbose)
	return log
}

// checkScenario checks what needs the command line besides the file: the
// parameter values, and a --node-image that contradicts the scenario's
// kubernetesVersion (by its tag).
func checkScenario(sc *scenarios.Scenario, set map[string]string, nodeImage string) error {
	if _, err := sc.ResolveParams(set); err != nil {
		return err
	}
	if err := scenarios.CheckNodeImage(nodeImage, sc.Cluster.KubernetesVersion); nodeImage != "" && err != nil {
		return fmt.Errorf("%s: --node-image: %w", sc.File, err)
	}
	return nil
}

// writeOutput writes the distribution, then the summary (a table, or
// JSON); RunSuite has written the reports.
func (o *runOptions) writeOutput(runs []*reports.Run, stdout io.Writer) error {
	var dist []reports.Stats
	if o.repeat > 1 {
		dist = reports.Distribution(runs)
		if err := reports.WriteStats(filepath.Join(o.reportDir, "distribution.json"), dist); err != nil {
			return infraErr(fmt.Errorf("write reports: %w", err))
		}
	}
	if o.output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Runs         []*reports.Run  `json:"runs"`
			Distribution []reports.Stats `json:"distribution,omitempty"`
		}{runs, dist})
	}
	fmt.Fprintln(stdout)
	reports.Summary(reports.Colour(stdout), runs)
	if dist != nil {
		fmt.Fprintf(stdout, "\nrecovery over %d runs of each scenario:\n", o.repeat)
		reports.WriteDistribution(stdout, dist)
	}
	fmt.Fprintf(stdout, "reports: %s\n", filepath.Join(o.reportDir, "junit.xml"))
	return nil
}

// verdict turns the runs into the exit error: infrastructure errors first,
// then failed SLOs.
func verdict(runs []*reports.Run) error {
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

// selectScenarios applies --label-selector, then --shard.
func (o *runOptions) selectScenarios(scs []*scenarios.Scenario) ([]*scenarios.Scenario, error) {
	scs, err := harness.SelectLabels(scs, o.labelSelector)
	if err != nil {
		return nil, usageErr("run: --label-selector: %v", err)
	}
	if o.shard == "" {
		return scs, nil
	}
	shard, err := harness.ParseShard(o.shard)
	if err != nil {
		return nil, usageErr("run: --shard: %v", err)
	}
	var timings harness.Timings
	if o.timings != "" {
		if timings, err = harness.ReadTimings(o.timings); err != nil {
			return nil, usageErr("run: --timings: %v", err)
		}
	}
	return shard.Pick(scs, timings), nil
}
