package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/harness-dev/harness/clusters"
)

// runSteps runs steps in order in their nodes and stops at the first
// failure; what names the fault in errors.
func runSteps(ctx context.Context, c *clusters.Cluster, what string, steps []Step) error {
	for _, s := range steps {
		n := c.Node(s.Node)
		if n == nil {
			return fmt.Errorf("%s: node %s is gone", what, s.Node)
		}
		if err := runStep(ctx, n, s); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

func runStep(ctx context.Context, n clusters.Node, s Step) error {
	if s.Action == ActionStartNode {
		pc, ok := n.(clusters.PowerCycler)
		if !ok {
			return fmt.Errorf("node %s cannot be powered on by its provider", n.Name())
		}
		return pc.Start(ctx)
	}
	_, err := n.Exec(ctx, bytes.NewReader(s.Stdin), s.Argv...)
	return err
}

// RunRevert runs every step of a revert in its node. Steps are idempotent;
// a step whose node is gone is skipped (nothing is left to undo there), and
// a failed step does not stop the others.
func RunRevert(ctx context.Context, c *clusters.Cluster, rev Revert) error {
	var errs []error
	for _, s := range rev.Steps {
		n := c.Node(s.Node)
		if n == nil {
			continue
		}
		if err := runStep(ctx, n, s); err != nil {
			errs = append(errs, fmt.Errorf("revert %s fault %s: %w", rev.Type, rev.Fault, err))
		}
	}
	return errors.Join(errs...)
}
