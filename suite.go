package harness

import (
	"context"
	"fmt"
	"time"

	"github.com/harness-dev/harness/internal/runner"
	"github.com/harness-dev/harness/reports"
)

// SuiteOptions configure RunSuite.
type SuiteOptions struct {
	// Options apply to every run; Params are each scenario's own values
	// (a name that is not a parameter of a scenario is refused for it).
	Options
	// Repeat runs each scenario this many times (default 1), for the
	// distribution of its recoveries (reports.Distribution); the runs share
	// the cluster unless FreshCluster.
	Repeat int
	// FreshCluster gives every run a cluster of its own instead of sharing
	// one between scenarios whose clusters are alike.
	FreshCluster bool
	// ResetTimeout bounds bringing a shared cluster back to its known state
	// between two runs (default 5m); past it the cluster is replaced by a
	// fresh one, and the next run's result says why.
	ResetTimeout time.Duration
}

// RunSuite runs scenarios, each Repeat times, sharing one cluster between
// the scenarios whose clusters are alike (same node image and Kubernetes
// version, nodes and patches): in the order given within each such group,
// the groups in the order they first appear. Between two runs the shared
// cluster is brought back to a known state and that is proven: faults
// reverted, what the setup applied deleted, kubelets restarted so that no
// crash-loop back-off is left, every control-plane Pod Ready, the leader
// Leases renewed, nodes Ready. A scenario with cluster.isolated runs on a
// cluster of its own. The reports of all runs are written together when
// ReportDir is set. Parameters are resolved for every scenario before
// anything runs.
func RunSuite(ctx context.Context, scs []*Scenario, o SuiteOptions) ([]*Result, error) {
	if len(scs) == 0 {
		return nil, nil
	}
	entries := make([]runner.SuiteEntry, len(scs))
	var base runner.Options
	for i, sc := range scs {
		ro, err := o.runner(ctx, sc)
		if err != nil {
			return nil, err
		}
		entries[i] = runner.SuiteEntry{Scenario: sc, Params: ro.Params}
		if o.Cluster == nil {
			entries[i].Cluster, ro.Cluster = ro.Cluster, nil // cluster.reuse: that scenario's own
		}
		base = ro
	}
	runs := runner.RunSuite(ctx, entries, runner.SuiteOptions{Options: base, Repeat: o.Repeat,
		FreshCluster: o.FreshCluster, ResetTimeout: o.ResetTimeout})
	if o.ReportDir != "" {
		if err := reports.WriteAll(o.ReportDir, runs); err != nil {
			return runs, fmt.Errorf("write reports to %s: %w", o.ReportDir, err)
		}
	}
	return runs, nil
}
