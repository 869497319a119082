// Package runner runs one scenario: it creates (or reuses) the cluster,
// installs what is under test, checks the steady state, injects the faults,
// watches the cluster and judges the assertions. Whatever happens (success,
// failure, panic, Ctrl-C) every fault is reverted and a cluster the run
// created is deleted, and the on-disk journal says what is left otherwise.
package runner

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"os"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/journal"
	"github.com/harness-dev/harness/internal/recorder"
	"github.com/harness-dev/harness/internal/result"
	"github.com/harness-dev/harness/internal/timeline"
	"github.com/harness-dev/harness/scenarios"
)

// Options configure a run.
type Options struct {
	Provider clusters.Provider
	// NodeImage overrides the scenario's node image.
	NodeImage string
	// Cluster names an existing cluster to run on; the run neither creates
	// nor deletes it.
	Cluster string
	// KeepCluster keeps a created cluster when the run did not pass.
	KeepCluster bool
	// ReportDir receives node logs when a cluster does not start.
	ReportDir  string
	JournalDir string
	Rand       *rand.Rand
	Seed       int64
	// Params are the values of the scenario's parameters, as
	// Scenario.ResolveParams returns them.
	Params map[string]string
	// Timeout bounds the observation after the faults (default 10m).
	Timeout  time.Duration
	Progress io.Writer
	Log      *slog.Logger
}

type run struct {
	o       Options
	sc      *scenarios.Scenario
	res     *result.Run
	tl      *timeline.Recorder
	pr      *progress
	jr      *journal.Journal
	env     faults.Env
	rec     *recorder.Recorder
	mu      sync.Mutex
	reverts []faults.Revert // active faults, oldest first
	created bool
	// stopHTTP stops the data-plane probes, once started.
	stopHTTP func()
}

// Run runs sc and returns its result; it never panics.
func Run(ctx context.Context, sc *scenarios.Scenario, o Options) (res *result.Run) {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Minute
	}
	runID := fmt.Sprintf("%s-%06x", sc.Metadata.Name, o.Rand.Int63()&0xffffff)
	r := &run{o: o, sc: sc, tl: timeline.New(time.Now()), pr: newProgress(o.Progress)}
	r.res = &result.Run{Scenario: sc.Metadata.Name, File: sc.File, Description: sc.Metadata.Description,
		Seed: o.Seed, Parameters: o.Params, RunID: runID, Started: time.Now().UTC()}
	r.env.RunID = runID
	r.res.Assertions = notEvaluated(sc.Assertions)
	r.env.Log = o.Log
	defer r.finish()
	r.pr.step("run %s of scenario %s (seed %d)", runID, sc.Metadata.Name, o.Seed)
	r.tl.Mark("run.start", "")
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
		r.res.Error = &result.RunError{Phase: phase, Message: err.Error()}
	}
	r.pr.step("error in %s: %v", phase, err)
	r.o.Log.Error("run failed", "phase", phase, "err", err)
}

func (r *run) client() kubernetes.Interface { return r.env.Client }

// notEvaluated lists the assertions as pending until they are judged, so a
// run that ends early still reports each of them (as not evaluated).
func notEvaluated(entries []scenarios.AssertionEntry) []result.Assertion {
	out := make([]result.Assertion, len(entries))
	for i, e := range entries {
		out[i] = result.Assertion{Name: e.Name, Type: e.Type, From: e.From,
			Verdict: assertions.Verdict{Status: assertions.Pending, SLO: e.Within, Message: "not evaluated"}}
	}
	return out
}
