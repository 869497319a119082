package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"
)

// cleanupTimeout bounds the reverts and the cluster deletion at the end of
// a run; they run on a fresh context so that Ctrl-C cannot stop them.
const cleanupTimeout = 3 * time.Minute

// finish reverts every active fault (newest first), stops the probes and
// the recorder, collects artifacts when the run did not pass, deletes the
// cluster the run created (unless kept) and closes the journal when nothing
// is left to undo. It also turns a panic into a run error.
func (r *run) finish() {
	if p := recover(); p != nil {
		r.fail("panic", fmt.Errorf("%v\n%s", p, debug.Stack()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	var revertErr error
	if r.lc != nil {
		revertErr = r.lc.RevertAll(ctx)
	}
	r.stopProbes()
	if r.rec != nil {
		r.rec.Stop()
	}
	r.res.Timeline = r.tl.Events()
	r.res.Duration = r.tl.Now()
	if revertErr != nil {
		r.fail("revert", revertErr)
	}
	if !r.res.Passed() {
		r.collectArtifacts(ctx)
	}
	if !r.created {
		// The cluster outlives the run: leave it as the run found it.
		if err := r.teardownSetup(ctx); err != nil {
			r.res.Cluster.Dirty = err.Error()
			r.pr.step("the cluster is left dirty: %v", err)
		}
		if revertErr != nil {
			r.res.Cluster.Dirty = "a fault was not reverted: " + revertErr.Error()
		}
	}
	deleted := r.deleteCluster(ctx)
	if r.jr != nil && revertErr == nil && deleted {
		if err := r.jr.Close(); err != nil {
			r.o.Log.Warn("removing journal failed", "err", err)
		}
	} else if r.jr != nil {
		r.pr.step("journal %s kept: `harness cleanup` undoes what is left", r.jr.Path())
	}
}

// deleteCluster deletes the cluster the run created, unless it is kept for
// a failed run. It reports whether nothing of the cluster is left to delete.
func (r *run) deleteCluster(ctx context.Context) bool {
	if !r.created {
		return true
	}
	name := r.env.Cluster.Name
	if r.o.KeepCluster && !r.res.Passed() {
		path := filepath.Join(r.o.ReportDir, "kubeconfig-"+name)
		if err := os.MkdirAll(r.o.ReportDir, 0o755); err == nil {
			_ = os.WriteFile(path, r.env.Cluster.Kubeconfig, 0o600)
		}
		r.pr.step("keeping cluster %s: kubectl --kubeconfig %s get pods -A; delete it with `harness cleanup`", name, path)
		return false
	}
	r.pr.step("deleting cluster %s", name)
	if err := r.o.Provider.Delete(ctx, name); err != nil {
		r.fail("cleanup", err)
		return false
	}
	return true
}
