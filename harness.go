// Package harness runs chaos scenarios against Kubernetes clusters from Go,
// with the runner, faults, recorder, assertions, reports and cleanup
// guarantees of the harness command.
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
// `harness cleanup` undoes them if the test binary is killed.
package harness

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand"
	"strings"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/internal/journal"
	"github.com/harness-dev/harness/internal/result"
	"github.com/harness-dev/harness/internal/runner"
	"github.com/harness-dev/harness/internal/timeline"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
)

// Scenario is a decoded scenario file.
type Scenario = scenarios.Scenario

// Result is the outcome of a run: verdicts, faults, timeline, environment.
// Passed and ExitCode summarise it as the CLI does.
type Result = result.Run

// Event is one entry of a recorded timeline; Lease, Pod and Node are the
// observed states it carries.
type (
	Event = timeline.Event
	Lease = timeline.Lease
	Pod   = timeline.Pod
	Node  = timeline.Node
)

// Timeline event types.
const (
	MarkReached   = timeline.MarkReached
	PodObserved   = timeline.PodObserved
	LeaseObserved = timeline.LeaseObserved
	NodeObserved  = timeline.NodeObserved
)

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
	// NodeImage overrides the scenario's node image.
	NodeImage string
	// Cluster runs the scenario on this cluster instead of creating one.
	Cluster *Cluster
	// Params are values for the scenario's parameters.
	Params map[string]string
	// Seed seeds the run's randomness; 0 picks one (reported in the Result).
	Seed int64
	// ReportDir, when set, receives junit.xml, result.json, timeline.jsonl,
	// report.html and the artifacts of a run that did not pass.
	ReportDir string
	// Timeout bounds the observation after the faults (default 10m).
	Timeout time.Duration
	// KeepCluster keeps a created cluster when the run did not pass.
	KeepCluster bool
	// Progress receives the steps with their elapsed times (default: none).
	Progress io.Writer
	Log      *slog.Logger
}

// Run runs a scenario to its verdict. The error is for what prevents a run
// (bad parameters, reports that cannot be written); a failed SLO or a
// cluster that did not start is in the Result (ExitCode 1 or 3).
func Run(ctx context.Context, sc *Scenario, o Options) (*Result, error) {
	params, err := sc.ResolveParams(o.Params)
	if err != nil {
		return nil, err
	}
	log := logger(o.Log)
	seed := o.Seed
	if seed == 0 {
		seed = randomSeed()
	}
	ro := runner.Options{
		Provider: kind.New(log, journal.KubeconfigDir()), NodeImage: o.NodeImage, KeepCluster: o.KeepCluster,
		ReportDir: o.ReportDir, JournalDir: journal.DefaultDir(), Rand: mrand.New(mrand.NewSource(seed)), Seed: seed,
		Params: params, Timeout: o.Timeout, Progress: orDiscard(o.Progress), Log: log,
	}
	if o.Cluster != nil {
		ro.Cluster = o.Cluster.Name()
	}
	res := runner.Run(ctx, sc, ro)
	if o.ReportDir != "" {
		if err := reports.WriteAll(o.ReportDir, []*result.Run{res}); err != nil {
			return res, fmt.Errorf("write reports to %s: %w", o.ReportDir, err)
		}
	}
	return res, nil
}

// Describe is a run for people: each verdict with its message, then the
// timeline summary (faults, outages, lease holders, restarts).
func Describe(res *Result) string {
	var b strings.Builder
	reports.Summary(&b, []*result.Run{res})
	b.WriteString("\ntimeline:\n")
	b.WriteString(reports.TimelineSummary(res, 200))
	return b.String()
}

func randomSeed() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return time.Now().UnixNano()
	}
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}

func logger(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func orDiscard(w io.Writer) io.Writer {
	if w != nil {
		return w
	}
	return io.Discard
}
