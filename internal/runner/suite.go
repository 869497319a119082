package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/internal/artifacts"
	"github.com/harness-dev/harness/internal/journal"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
)

// SuiteEntry is one scenario of a suite with its parameter values and,
// for a scenario that reuses a named cluster (cluster.reuse), that cluster.
type SuiteEntry struct {
	Scenario *scenarios.Scenario
	Params   map[string]string
	Cluster  *clusters.Cluster
}

// SuiteOptions configure RunSuite. Options apply to every run; with
// Options.Cluster every scenario runs on that cluster.
type SuiteOptions struct {
	Options
	// Repeat runs each scenario this many times (default 1).
	Repeat int
	// FreshCluster gives every run a cluster of its own instead of sharing.
	FreshCluster bool
	// ResetTimeout bounds bringing a shared cluster back to its known state
	// between two runs (default 5m); past it the cluster is replaced.
	ResetTimeout time.Duration
}

// RunSuite runs scenarios, each Repeat times, sharing a cluster between
// the scenarios whose clusters are alike (same node image and version,
// nodes and patches; see group), in the order given within each group and
// the groups in the order they first appear. Between two runs on a shared
// cluster it brings the cluster back to a known state and proves it
// (Reset), after the run has reverted its faults and deleted what its setup
// applied; when that fails in time, or the run left the cluster dirty, the
// cluster is replaced by a fresh one and the next run says why. A scenario
// with cluster.isolated, or a suite with FreshCluster, runs on a cluster of
// its own. It returns every run, never panics, and deletes every cluster
// it created (kept with KeepCluster when a run on it did not pass).
func RunSuite(ctx context.Context, entries []SuiteEntry, o SuiteOptions) []*reports.Run {
	if o.Log == nil {
		o.Log = discard()
	}
	if o.ResetTimeout == 0 {
		o.ResetTimeout = 5 * time.Minute
	}
	s := &suite{o: o, pr: newProgress(o.Progress), reset: Reset}
	for _, g := range group(entries, o) {
		if ctx.Err() != nil {
			break
		}
		s.runGroup(ctx, g)
	}
	return s.runs
}

type suite struct {
	o    SuiteOptions
	pr   *progress
	runs []*reports.Run
	// reset is Reset; tests replace it.
	reset func(context.Context, *clusters.Cluster, time.Duration) error
}

// runGroup runs the entries of one group, on one shared cluster unless the
// group is isolated.
func (s *suite) runGroup(ctx context.Context, g runGroup) {
	sh := &sharedCluster{s: s, spec: g.spec, given: s.o.Cluster, name: g.entries[0].Scenario.Metadata.Name}
	defer sh.release()
	for _, e := range g.entries {
		for n := 0; n < max(s.o.Repeat, 1) && ctx.Err() == nil; n++ {
			if s.o.Repeat > 1 {
				s.pr.step("== %s: run %d of %d", e.Scenario.Metadata.Name, n+1, s.o.Repeat)
			}
			o := s.o.Options
			o.Params = e.Params
			if e.Cluster != nil {
				o.Cluster = e.Cluster
			}
			if g.isolated {
				s.runs = append(s.runs, Run(ctx, e.Scenario, o))
				continue
			}
			res := sh.run(ctx, e.Scenario, o)
			s.runs = append(s.runs, res)
		}
	}
}

// sharedCluster is the cluster of a group: created on first use, reset
// between runs, replaced when it cannot be reset, deleted at the end.
type sharedCluster struct {
	s     *suite
	spec  clusters.Spec
	given *clusters.Cluster // a cluster the user gave: never created, replaced or deleted
	name  string            // the cluster is named after the group's first scenario

	c        *clusters.Cluster
	jr       *journal.Journal
	used     bool   // a run has used c since it was made
	dirty    string // why the last run left c unfit
	failed   bool   // a run on c did not pass
	replaced string
}

// run runs one scenario on the group's cluster, getting it ready first.
func (sh *sharedCluster) run(ctx context.Context, sc *scenarios.Scenario, o Options) *reports.Run {
	reset, err := sh.ready(ctx)
	if err != nil {
		res := failedRun(sc, o, "cluster", err)
		sh.s.pr.step("error in cluster: %v", err)
		return res
	}
	o.Cluster = sh.c
	res := Run(ctx, sc, o)
	res.Cluster.Shared, res.Cluster.Created = true, sh.given == nil
	res.Cluster.Reset, res.Cluster.Replaced = reports.Seconds(reset), sh.replaced
	sh.used, sh.replaced, sh.dirty = true, "", res.Cluster.Dirty
	if !res.Passed() {
		sh.failed = true
	}
	return res
}

// ready returns once the cluster is there and, after an earlier run, back
// to its known state (replacing it when that fails); it reports how long
// the reset took.
func (sh *sharedCluster) ready(ctx context.Context) (time.Duration, error) {
	if sh.c == nil {
		if sh.given != nil {
			sh.c = sh.given
		} else if err := sh.create(ctx); err != nil {
			return 0, err
		}
	}
	if !sh.used {
		return 0, nil
	}
	start := time.Now()
	why := sh.dirty
	if why == "" {
		sh.s.pr.step("bringing cluster %s back to its known state (kubelets restarted: no back-off left; control plane Ready; leases held)", sh.c.Name)
		if err := sh.s.reset(ctx, sh.c, sh.s.o.ResetTimeout); err != nil {
			why = err.Error()
		}
	}
	if why == "" {
		sh.s.pr.step("cluster %s back to its known state in %.1fs", sh.c.Name, time.Since(start).Seconds())
		return time.Since(start), nil
	}
	if sh.given != nil {
		return 0, fmt.Errorf("cluster %s (given, not replaceable) is not back to a known state: %s", sh.c.Name, why)
	}
	sh.s.pr.step("replacing cluster %s: %s", sh.c.Name, why)
	sh.release()
	if err := sh.create(ctx); err != nil {
		return 0, err
	}
	sh.replaced = why
	return time.Since(start), nil
}

// create creates the group's cluster, journaled before it exists.
func (sh *sharedCluster) create(ctx context.Context) error {
	o := sh.s.o
	spec := sh.spec
	spec.Name = ClusterName(NewRunID(sh.name))
	spec.LogDir = filepath.Join(o.ReportDir, artifacts.Dir(spec.Name), artifacts.NodesDir)
	jr, err := journal.Open(o.JournalDir, journal.Entry{RunID: spec.Name, PID: os.Getpid(), Started: time.Now(),
		Scenario: "suite cluster", Provider: o.Provider.Name(), Cluster: spec.Name, ClusterCreated: true})
	if err != nil {
		return err
	}
	sh.jr, sh.used, sh.failed, sh.dirty = jr, false, false, ""
	sh.s.pr.step("creating %s cluster %s for a suite (image %s, %d workers)", o.Provider.Name(), spec.Name, orDefault(spec.NodeImage), spec.Workers)
	start := time.Now()
	c, err := o.Provider.Create(ctx, spec)
	if err != nil {
		sh.c = &clusters.Cluster{Name: spec.Name}
		sh.release()
		return fmt.Errorf("%w (node logs, if any, are under %s)", err, spec.LogDir)
	}
	sh.c = c
	sh.s.pr.step("cluster %s ready in %.1fs", c.Name, time.Since(start).Seconds())
	return nil
}

// release deletes the cluster the suite created (kept with KeepCluster
// after a run that did not pass), on a context Ctrl-C does not cancel.
func (sh *sharedCluster) release() {
	if sh.c == nil || sh.given != nil {
		return
	}
	c := sh.c
	sh.c = nil
	if sh.s.o.KeepCluster && sh.failed {
		sh.s.pr.step("keeping cluster %s: a run on it did not pass; delete it with `harness cleanup`", c.Name)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	sh.s.pr.step("deleting cluster %s", c.Name)
	if err := sh.s.o.Provider.Delete(ctx, c.Name); err != nil {
		sh.s.pr.step("deleting cluster %s failed: %v (journal %s kept: `harness cleanup` retries)", c.Name, err, sh.jr.Path())
		return
	}
	if err := sh.jr.Close(); err != nil {
		sh.s.o.Log.Warn("removing journal failed", "err", err)
	}
}

// failedRun is the result of a run that could not start.
func failedRun(sc *scenarios.Scenario, o Options, phase string, err error) *reports.Run {
	return &reports.Run{Scenario: sc.Metadata.Name, File: sc.File, Description: sc.Metadata.Description,
		Seed: o.Seed, Parameters: o.Params, RunID: NewRunID(sc.Metadata.Name), Started: time.Now().UTC(),
		Assertions: notEvaluated(sc.Assertions), Error: &reports.RunError{Phase: phase, Message: err.Error()}}
}
