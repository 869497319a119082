package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/harness-dev/harness/clusters"
)

// RunRevert runs the steps of a revert in their nodes. Steps are idempotent;
// a step whose node is gone is skipped (nothing is left to undo there).
func RunRevert(ctx context.Context, c *clusters.Cluster, rev Revert) error {
	var errs []error
	for _, s := range rev.Steps {
		n := findNode(c, s.Node)
		if n == nil {
			continue
		}
		if s.Action == ActionStartNode {
			if pc, ok := n.(clusters.PowerCycler); ok {
				if err := pc.Start(ctx); err != nil {
					errs = append(errs, fmt.Errorf("revert %s fault %s: %w", rev.Type, rev.Fault, err))
				}
			}
			continue
		}
		if _, err := n.Exec(ctx, bytes.NewReader(s.Stdin), s.Argv...); err != nil {
			errs = append(errs, fmt.Errorf("revert %s fault %s: %w", rev.Type, rev.Fault, err))
		}
	}
	return errors.Join(errs...)
}

func findNode(c *clusters.Cluster, name string) clusters.Node {
	if c == nil {
		return nil
	}
	for _, n := range c.Nodes {
		if n.Name() == name {
			return n
		}
	}
	return nil
}
