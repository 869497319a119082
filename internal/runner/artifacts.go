package runner

import (
	"context"
	"path/filepath"
	"time"

	"github.com/harness-dev/harness/internal/artifacts"
)

// artifactsTimeout bounds the collection of artifacts: the cluster may be
// the very thing that failed.
const artifactsTimeout = 2 * time.Minute

// collectArtifacts writes the events, the lease history, the logs of the
// Pods that restarted or were not Ready and the nodes' logs under the
// report directory, and records them in the result for the reports to link.
func (r *run) collectArtifacts(ctx context.Context) {
	if r.o.ReportDir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, artifactsTimeout)
	defer cancel()
	start := time.Now()
	src := artifacts.Source{Client: r.env.Client}
	switch c := r.env.Cluster; {
	case r.res.Error != nil && r.res.Error.Phase == "cluster":
		// The provider exported the logs of the cluster that did not start.
		src.NodeLogsExported = true
	case c != nil:
		src.ExportNodeLogs = func(ctx context.Context, dir string) error {
			return r.o.Provider.ExportLogs(ctx, c.Name, dir)
		}
	}
	got, err := artifacts.Collect(ctx, src, r.o.ReportDir, r.res.RunID, r.res.Timeline)
	if err != nil {
		r.o.Log.Warn("some artifacts could not be collected", "err", err)
	}
	r.res.Artifacts = got
	r.pr.step("collected %d artifacts in %s/artifacts/%s (%.1fs)", len(got), r.o.ReportDir, r.res.RunID, time.Since(start).Seconds())
}

// nodeLogDir is where the nodes' logs go: the provider writes them there
// when a cluster does not start, the artifacts when a run fails.
func (r *run) nodeLogDir() string {
	return filepath.Join(r.o.ReportDir, artifacts.Dir(r.res.RunID), artifacts.NodesDir)
}
