package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/journal"
)

// cleanupOptions are the flags of `harness cleanup`.
type cleanupOptions struct {
	force, faultsOnly bool
}

// cleanupProvider is what cleanup needs of a cluster provider. List fails
// when the provider cannot be asked (Docker does not answer): then nothing
// is known of the clusters, and nothing is forgotten.
type cleanupProvider interface {
	List(ctx context.Context) ([]string, error)
	Get(ctx context.Context, name string) (*clusters.Cluster, error)
	Delete(ctx context.Context, name string) error
}

func newCleanupCmd(e env) *cobra.Command {
	o := &cleanupOptions{}
	cmd := &cobra.Command{
		Use:   "cleanup [flags]",
		Short: "Revert faults and delete clusters left by killed runs",
		Long: `Revert the faults and delete the clusters that the journals of runs no longer
alive list (in $HARNESS_STATE_DIR/journal). A run is alive while its process
holds the lock of its journal; such runs are skipped unless --force. A revert
that fails, or cannot be tried because Docker does not answer, stays in its
journal and cleanup exits 3 saying what is pending; run it again later.`,
		Args:        cobra.NoArgs,
		Annotations: map[string]string{annotationUndoes: "true"},
		RunE: handler(func(cmd *cobra.Command, _ []string) error {
			log := slog.New(slog.NewTextHandler(e.Err, &slog.HandlerOptions{Level: slog.LevelWarn}))
			return o.run(cmd.Context(), kind.New(log, journal.KubeconfigDir()), journal.DefaultDir(), e.Out)
		}),
	}
	cmd.Flags().BoolVar(&o.force, "force", false, "also clean up after runs whose process still holds its journal's lock")
	cmd.Flags().BoolVar(&o.faultsOnly, "faults-only", false, "revert faults but keep the clusters (and their journals)")
	return cmd
}

// run cleans up after every run of the journal directory dir that is not
// alive. One journal that cannot be read or cleaned does not stop the
// others; it is reported, and the exit code is 3.
func (o *cleanupOptions) run(ctx context.Context, p cleanupProvider, dir string, stdout io.Writer) error {
	items, err := journal.List(dir)
	if err != nil {
		return infraErr(fmt.Errorf("list journals in %s: %w", dir, err))
	}
	var errs []error
	done := 0
	for _, it := range items {
		if it.Err != nil {
			fmt.Fprintf(stdout, "%v; skipped\n", it.Err)
			errs = append(errs, it.Err)
			continue
		}
		ok, err := o.one(ctx, p, it, stdout)
		if err != nil {
			errs = append(errs, fmt.Errorf("run %s: %w", it.Entry.RunID, err))
		}
		if ok {
			done++
		}
	}
	fmt.Fprintf(stdout, "cleaned up %d runs\n", done)
	if len(errs) > 0 {
		return infraErr(errors.Join(errs...))
	}
	return nil
}

// one cleans up after one run; it reports whether everything of it is
// undone (the journal is gone or, with --faults-only, has no reverts).
func (o *cleanupOptions) one(ctx context.Context, p cleanupProvider, it journal.Item, stdout io.Writer) (bool, error) {
	e := it.Entry
	claim, err := journal.ClaimFile(it.Path)
	if errors.Is(err, journal.ErrAlive) && o.force {
		claim, err = journal.ForceClaim(it.Path), nil
		fmt.Fprintf(stdout, "run %s is alive (pid %d); cleaning up anyway (--force)\n", e.RunID, e.PID)
	}
	switch {
	case errors.Is(err, journal.ErrAlive):
		fmt.Fprintf(stdout, "run %s (pid %d) is still running; skipped (use --force)\n", e.RunID, e.PID)
		return false, nil
	case err != nil:
		return false, err
	}
	if e.Cluster == "" { // the run ended before it had a cluster: nothing to undo
		return true, claim.Remove()
	}
	names, err := p.List(ctx)
	if err != nil {
		claim.Release()
		return false, fmt.Errorf("cannot reach Docker to look for cluster %s (%v); journal %s kept with %s",
			e.Cluster, err, it.Path, pending(e))
	}
	if !slices.Contains(names, e.Cluster) {
		fmt.Fprintf(stdout, "run %s: cluster %s is gone; nothing to revert\n", e.RunID, e.Cluster)
		if o.faultsOnly {
			defer claim.Release()
			return true, claim.Rewrite(func(e *journal.Entry) { e.Reverts = nil })
		}
		return true, claim.Remove()
	}
	left, err := o.revert(ctx, p, it, claim, stdout)
	if err != nil || left > 0 {
		claim.Release()
		return false, err
	}
	if !e.ClusterCreated {
		return true, claim.Remove() // a cluster the run did not create stays
	}
	if o.faultsOnly {
		claim.Release() // the journal keeps the cluster to delete
		return true, nil
	}
	if err := p.Delete(ctx, e.Cluster); err != nil {
		claim.Release()
		return false, fmt.Errorf("%w; journal %s kept", err, it.Path)
	}
	fmt.Fprintf(stdout, "run %s: deleted cluster %s\n", e.RunID, e.Cluster)
	return true, claim.Remove()
}

// revert runs the run's reverts, newest first, each removed from the
// journal once it ran; it returns how many are left (failed).
func (o *cleanupOptions) revert(ctx context.Context, p cleanupProvider, it journal.Item, claim *journal.Claim, stdout io.Writer) (int, error) {
	e := it.Entry
	if len(e.Reverts) == 0 {
		return 0, nil
	}
	c, err := p.Get(ctx, e.Cluster)
	if c == nil { // nodes without a kubeconfig (a powered-off control plane) are enough to revert
		return len(e.Reverts), fmt.Errorf("cluster %s: %w; journal %s kept with %s", e.Cluster, err, it.Path, pending(e))
	}
	var errs []error
	left := 0
	for i := len(e.Reverts) - 1; i >= 0; i-- {
		rev := e.Reverts[i]
		if err := faults.RunRevert(ctx, c, rev); err != nil {
			errs = append(errs, err)
			left++
			continue
		}
		fmt.Fprintf(stdout, "run %s: reverted %s fault %s\n", e.RunID, rev.Type, rev.Fault)
		if err := claim.Rewrite(func(e *journal.Entry) { e.Reverts = withoutRevert(e.Reverts, rev.Fault) }); err != nil {
			errs = append(errs, err)
		}
	}
	if left > 0 {
		errs = append(errs, fmt.Errorf("%d reverts failed; journal %s kept: run `harness cleanup` again", left, it.Path))
	}
	return left, errors.Join(errs...)
}

func withoutRevert(revs []faults.Revert, fault string) []faults.Revert {
	var out []faults.Revert
	for _, r := range revs {
		if r.Fault != fault {
			out = append(out, r)
		}
	}
	return out
}

// pending says what a journal still has to undo.
func pending(e journal.Entry) string {
	var what []string
	for _, r := range e.Reverts {
		what = append(what, fmt.Sprintf("%s fault %s", r.Type, r.Fault))
	}
	if e.ClusterCreated {
		what = append(what, "cluster "+e.Cluster+" to delete")
	}
	if len(what) == 0 {
		return "nothing pending"
	}
	return "pending: " + strings.Join(what, ", ")
}
