package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/harness-dev/harness/faults"
)

// cleanupTimeout bounds the reverts and the cluster deletion at the end of
// a run; they run on a fresh context so that Ctrl-C cannot stop them.
const cleanupTimeout = 3 * time.Minute

// finish reverts every active fault (newest first), stops the recorder,
// collects artifacts when the run did not pass, deletes the cluster the run created (unless kept) and closes the journal
// when nothing is left to undo. It also turns a panic into a run error.
func (r *run) finish() {
	if p := recover(); p != nil {
		r.fail("panic", fmt.Errorf("%v\n%s", p, debug.Stack()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	revertErr := r.revertAll(ctx)
	r.stopHTTPProbes()
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
	deleted := r.deleteCluster(ctx)
	if r.jr != nil && revertErr == nil && deleted {
		if err := r.jr.Close(); err != nil {
			r.o.Log.Warn("removing journal failed", "err", err)
		}
	} else if r.jr != nil {
		r.pr.step("journal %s kept: `harness cleanup` undoes what is left", r.jr.Path())
	}
}

// addRevert registers a fault's revert, in memory and in the journal,
// before the fault is injected.
func (r *run) addRevert(rev faults.Revert) error {
	r.mu.Lock()
	r.reverts = append(r.reverts, rev)
	r.mu.Unlock()
	return r.jr.AddRevert(rev)
}

// revert runs the revert of one fault, if it is still active.
func (r *run) revert(ctx context.Context, fault string) error {
	r.mu.Lock()
	var rev *faults.Revert
	for i := range r.reverts {
		if r.reverts[i].Fault == fault {
			rev = &r.reverts[i]
			r.reverts = append(r.reverts[:i:i], r.reverts[i+1:]...)
			break
		}
	}
	r.mu.Unlock()
	if rev == nil {
		return nil
	}
	if err := faults.RunRevert(ctx, r.env.Cluster, *rev); err != nil {
		r.mu.Lock()
		r.reverts = append(r.reverts, *rev) // still active: try again at the end
		r.mu.Unlock()
		return err
	}
	return r.jr.RemoveRevert(fault)
}

// revertAll reverts every fault still active, newest first.
func (r *run) revertAll(ctx context.Context) error {
	var errs []error
	for {
		r.mu.Lock()
		n := len(r.reverts)
		var name string
		if n > 0 {
			name = r.reverts[n-1].Fault
		}
		r.mu.Unlock()
		if n == 0 {
			return errors.Join(errs...)
		}
		r.pr.step("reverting fault %s", name)
		if err := r.revert(ctx, name); err != nil {
			errs = append(errs, err)
			r.mu.Lock()
			r.reverts = r.reverts[:len(r.reverts)-1] // give up on it; the journal keeps it
			r.mu.Unlock()
		}
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
