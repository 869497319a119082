// Package harness runs chaos scenarios against Kubernetes clusters from Go,
// with the runner, faults, recorder, assertions, reports and cleanup
// guarantees of the harness command, which is itself a client of this
// package (as kind's command line is of its pkg/cluster).
//
// Two ways to use it:
//
//   - Run a whole scenario, a file of scenarios/ or one decoded from bytes:
//     LoadScenario, then Run, then read the Result (or write its reports).
//   - Drive a cluster from a test: CreateCluster (or UseCluster), Record its
//     timeline, Inject a fault and call its Revert, and Judge assertions
//     over what was recorded.
//
// Nothing is global: every Run, Cluster and Recording stands alone, so two
// scenarios can run in one test binary on two clusters. Injected faults and
// created clusters are written to the same on-disk journal as the CLI's, so
// `harness cleanup` undoes them if the test binary is killed. The recorded
// data is package timeline; results are package reports.
package harness

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/internal/journal"
	"github.com/harness-dev/harness/internal/runner"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
)

// Scenario is a decoded scenario file.
type Scenario = scenarios.Scenario

// Result is the outcome of a run: verdicts, faults, timeline, environment.
// Passed and ExitCode summarise it as the CLI does.
type Result = reports.Run

// Verdict is the judgement of one assertion.
type Verdict = assertions.Verdict

// OfflineNodeImage is the node image `make node-image` builds without a
// registry.
const OfflineNodeImage = kind.OfflineNodeImage

// LoadScenario reads and strictly decodes a scenario file; errors name the
// file, line and column, and list the valid choices.
func LoadScenario(path string) (*Scenario, error) { return scenarios.Load(path) }

// DecodeScenario decodes a scenario from bytes; name is used in errors.
func DecodeScenario(name string, data []byte) (*Scenario, error) { return scenarios.Decode(name, data) }

// Options configure Run.
type Options struct {
	// Provider creates and deletes clusters; default the kind provider.
	Provider clusters.Provider
	// NodeImage overrides the scenario's node image.
	NodeImage string
	// KubernetesVersion overrides the scenario's cluster.kubernetesVersion
	// (vMAJOR.MINOR.PATCH): the provider's image of that release is used,
	// and a NodeImage of another release is an error.
	KubernetesVersion string
	// Cluster runs the scenario on this cluster instead of creating one.
	Cluster *Cluster
	// Params are values for the scenario's parameters.
	Params map[string]string
	// Seed seeds the scenario's randomness (reported in the Result); it
	// does not make the run's identity, which is always unique.
	Seed int64
	// ReportDir, when set, receives junit.xml, result.json, timeline.jsonl,
	// report.html and the artifacts of a run that did not pass.
	ReportDir string
	// Timeout bounds the observation after the faults end (default 10m).
	Timeout time.Duration
	// KeepCluster keeps a created cluster when the run did not pass.
	KeepCluster bool
	// Progress receives the steps with their elapsed times (default: none).
	Progress io.Writer
	// Log receives the harness's log records (default: none).
	Log *slog.Logger
}

// Run runs a scenario to its verdict. The error is for what prevents a run
// (bad parameters, reports that cannot be written); a failed SLO or a
// cluster that did not start is in the Result (ExitCode 1 or 3).
func Run(ctx context.Context, sc *Scenario, o Options) (*Result, error) {
	ro, err := o.runner(ctx, sc)
	if err != nil {
		return nil, err
	}
	res := runner.Run(ctx, sc, ro)
	if o.ReportDir != "" {
		if err := reports.WriteAll(o.ReportDir, []*reports.Run{res}); err != nil {
			return res, fmt.Errorf("write reports to %s: %w", o.ReportDir, err)
		}
	}
	return res, nil
}

// runner turns the options into the runner's for scenario sc; a scenario
// that names a cluster to reuse (cluster.reuse) runs on it when no Cluster
// is given.
func (o Options) runner(ctx context.Context, sc *Scenario) (runner.Options, error) {
	params, err := sc.ResolveParams(o.Params)
	if err != nil {
		return runner.Options{}, err
	}
	log := logger(o.Log)
	if o.Seed == 0 {
		o.Seed = randomSeed()
	}
	ro := runner.Options{
		Provider: o.provider(log), NodeImage: o.NodeImage, KubernetesVersion: o.KubernetesVersion, KeepCluster: o.KeepCluster,
		ReportDir: o.ReportDir, JournalDir: journal.DefaultDir(), Seed: o.Seed,
		Params: params, Timeout: o.Timeout, Progress: orDiscard(o.Progress), Log: log,
	}
	switch {
	case o.Cluster != nil:
		ro.Cluster = o.Cluster.c
	case sc.Cluster.Reuse != "":
		c, err := ro.Provider.Get(ctx, sc.Cluster.Reuse)
		if err != nil {
			return runner.Options{}, fmt.Errorf("%s: cluster.reuse: %w", sc.File, err)
		}
		ro.Cluster = c
	}
	return ro, nil
}

func (o Options) provider(log *slog.Logger) clusters.Provider {
	if o.Provider != nil {
		return o.Provider
	}
	return kind.New(log, journal.KubeconfigDir())
}

// Describe is a run for people: each verdict with its message, then the
// timeline summary (faults, outages, lease holders, restarts).
func Describe(res *Result) string {
	var b strings.Builder
	reports.Summary(&b, []*reports.Run{res})
	b.WriteString("\ntimeline:\n")
	b.WriteString(reports.TimelineSummary(res, 200))
	return b.String()
}

// randomSeed is a seed for a run that was given none; it is reported, so
// the run can be repeated with it.
func randomSeed() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}

func logger(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

func orDiscard(w io.Writer) io.Writer {
	if w != nil {
		return w
	}
	return io.Discard
}
