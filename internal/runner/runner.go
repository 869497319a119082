// Package runner runs one scenario: it creates the cluster (or runs on one
// it is given), installs what is under test, checks the steady state,
// injects the faults, watches the cluster and judges the assertions.
// Whatever happens (success, failure, panic, Ctrl-C) every fault is
// reverted, a cluster the run created is deleted, and the on-disk journal
// says what is left otherwise. It drives any clusters.Provider; the public
// API (package harness) chooses one.
package runner

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/journal"
	"github.com/harness-dev/harness/internal/lifecycle"
	"github.com/harness-dev/harness/internal/recorder"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
	"github.com/harness-dev/harness/timeline"
)

// Options configure a run.
type Options struct {
	Provider clusters.Provider
	// Cluster, when set, is the cluster to run on; the run neither creates
	// nor deletes it.
	Cluster *clusters.Cluster
	// NodeImage overrides the scenario's node image.
	NodeImage string
	// KubernetesVersion overrides the scenario's cluster.kubernetesVersion.
	KubernetesVersion string
	// KeepCluster keeps a created cluster when the run did not pass.
	KeepCluster bool
	// ReportDir receives node logs and artifacts.
	ReportDir  string
	JournalDir string
	// Seed is the seed of the scenario's randomness, reported with the run;
	// it does not make the run's identity (RunID is unique per run).
	Seed int64
	// Params are the values of the scenario's parameters, as
	// Scenario.ResolveParams returns them.
	Params map[string]string
	// Timeout bounds the observation after the faults end (default 10m).
	Timeout  time.Duration
	Progress io.Writer
	Log      *slog.Logger
}

type run struct {
	o       Options
	sc      *scenarios.Scenario
	res     *reports.Run
	tl      *timeline.Timeline
	pr      *progress
	jr      *journal.Journal
	env     faults.Env
	lc      *lifecycle.Lifecycle
	rec     *recorder.Recorder
	created bool
	// applied is what the setup applied, deleted when the cluster outlives
	// the run.
	applied []applied
	// params are the scenario's parameters and the built-in ones (the
	// cluster's facts), for its manifests and images.
	params map[string]string
	// stopProbes stops the assertions' probes and deletes what they made.
	stopProbes func()
	// evidence waits for the instant faults' evidence.
	evidence *sync.WaitGroup
}

// Run runs sc and returns its result; it never panics.
func Run(ctx context.Context, sc *scenarios.Scenario, o Options) (res *reports.Run) {
	if o.Log == nil {
		o.Log = discard()
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Minute
	}
	runID := NewRunID(sc.Metadata.Name)
	o.Log = o.Log.With("run", runID, "scenario", sc.Metadata.Name)
	r := &run{o: o, sc: sc, tl: timeline.New(time.Now()), pr: newProgress(o.Progress), stopProbes: func() {}}
	r.res = &reports.Run{Scenario: sc.Metadata.Name, File: sc.File, Description: sc.Metadata.Description,
		Seed: o.Seed, Parameters: o.Params, RunID: runID, Started: time.Now().UTC()}
	r.env = faults.Env{RunID: runID, Log: o.Log}
	r.res.Assertions = notEvaluated(sc.Assertions)
	defer r.finish()
	r.pr.step("run %s of scenario %s (seed %d)", runID, sc.Metadata.Name, o.Seed)
	r.tl.Mark(timeline.RunStart, "")
	jr, err := journal.Open(o.JournalDir, journal.Entry{RunID: runID, PID: os.Getpid(), Started: time.Now(), Scenario: sc.File})
	if err != nil {
		r.fail("journal", err)
		return r.res
	}
	r.jr = jr
	for _, phase := range []struct {
		name string
		f    func(context.Context) error
	}{
		{"cluster", r.cluster},
		{"setup", r.setup},
		{"observe", r.startRecorder},
		{"steady-state", r.steadyState},
		{"fault", r.faultsAndObserve},
	} {
		if err := phase.f(ctx); err != nil {
			r.fail(phase.name, err)
			return r.res
		}
		if ctx.Err() != nil {
			r.fail(phase.name, fmt.Errorf("interrupted: %w", context.Cause(ctx)))
			return r.res
		}
	}
	return r.res
}

// fail records that the run could not be judged.
func (r *run) fail(phase string, err error) {
	if r.res.Error == nil {
		r.res.Error = &reports.RunError{Phase: phase, Message: err.Error()}
	}
	r.pr.step("error in %s: %v", phase, err)
	r.o.Log.Error("run failed", "phase", phase, "err", err)
}

// notEvaluated lists the assertions as pending until they are judged, so a
// run that ends early still reports each of them (as not evaluated).
func notEvaluated(entries []scenarios.AssertionEntry) []reports.Assertion {
	out := make([]reports.Assertion, len(entries))
	for i, e := range entries {
		out[i] = reports.Assertion{Name: e.Name, Type: e.Type, From: e.From,
			Verdict: assertions.Verdict{Status: assertions.Pending, SLO: e.Within, Message: "not evaluated"}}
	}
	return out
}
