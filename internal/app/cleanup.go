package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"syscall"

	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/journal"
)

// cleanupCmd reverts the faults and deletes the clusters recorded in the
// journals of runs that are no longer alive (the harness was killed).
func cleanupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cleanup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	force := fs.Bool("force", false, "also clean up after runs whose process still seems alive")
	faultsOnly := fs.Bool("faults-only", false, "revert faults but keep the clusters (and their journals)")
	if err := fs.Parse(args); err != nil {
		return usageErr("cleanup: %v", err)
	}
	entries, files, err := journal.List(journal.DefaultDir())
	if err != nil {
		return &ExitError{Code: ExitInfra, Err: err}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	provider := kind.New(log, journal.KubeconfigDir())
	var errs []error
	done := 0
	for i, e := range entries {
		if alive(e.PID) && !*force {
			fmt.Fprintf(stdout, "run %s (pid %d) is still running; skipped (use --force)\n", e.RunID, e.PID)
			continue
		}
		if err := cleanupEntry(ctx, provider, e, *faultsOnly, stdout); err != nil {
			errs = append(errs, fmt.Errorf("run %s: %w", e.RunID, err))
			continue
		}
		if *faultsOnly {
			if err := forgetReverts(files[i]); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if err := os.Remove(files[i]); err != nil {
			errs = append(errs, err)
		}
		done++
	}
	fmt.Fprintf(stdout, "cleaned up %d runs\n", done)
	if len(errs) > 0 {
		return &ExitError{Code: ExitInfra, Err: errors.Join(errs...)}
	}
	return nil
}

func cleanupEntry(ctx context.Context, p *kind.Provider, e journal.Entry, faultsOnly bool, stdout io.Writer) error {
	if e.Cluster == "" {
		return nil
	}
	c, _ := p.Get(ctx, e.Cluster) // nodes without a kubeconfig are enough to revert
	if c == nil {
		fmt.Fprintf(stdout, "run %s: cluster %s is gone; nothing to revert there\n", e.RunID, e.Cluster)
	}
	var errs []error
	for i := len(e.Reverts) - 1; i >= 0; i-- {
		rev := e.Reverts[i]
		if c == nil {
			break
		}
		if err := faults.RunRevert(ctx, c, rev); err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(stdout, "run %s: reverted %s fault %s\n", e.RunID, rev.Type, rev.Fault)
	}
	if e.ClusterCreated && !faultsOnly {
		if err := p.Delete(ctx, e.Cluster); err != nil {
			errs = append(errs, err)
		} else {
			fmt.Fprintf(stdout, "run %s: deleted cluster %s\n", e.RunID, e.Cluster)
		}
	}
	return errors.Join(errs...)
}

// alive reports whether a process with this PID exists.
func alive(pid int) bool {
	if pid <= 0 || pid == os.Getpid() {
		return false
	}
	return syscall.Kill(pid, 0) == nil
}

// forgetReverts empties the reverts of a journal whose faults were undone.
func forgetReverts(path string) error {
	return journal.Rewrite(path, func(e *journal.Entry) { e.Reverts = nil })
}
