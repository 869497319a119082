package harness

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sync"
	"time"

	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/journal"
)

// Fault is one fault to inject, as a scenario's faults entry says it.
type Fault struct {
	// Name identifies the fault (in iptables comments, files, the journal).
	Name string
	// Type is a fault type of `harness list`: kill, partition, pause, ...
	Type   string
	Target faults.Target
	// Duration is how long a lasting fault (partition, pause, network) is
	// meant to hold; the caller reverts it.
	Duration time.Duration
	// Params is a pointer to the fault type's parameter struct (as
	// faults.Lookup(Type).NewParams returns), or nil for the defaults.
	Params any
}

// Revert undoes an injected fault. It is idempotent and safe to call from
// several cleanups (DeferCleanup, t.Cleanup, defer).
type Revert func(ctx context.Context) error

// Inject plans the fault, journals its revert, injects it and returns the
// revert. If injection fails the fault is reverted before Inject returns.
func (c *Cluster) Inject(ctx context.Context, f Fault) (Revert, error) {
	spec, ok := faults.Lookup(f.Type)
	if !ok {
		return nil, fmt.Errorf("fault %q: unknown type %q; valid types: %v", f.Name, f.Type, faults.Types())
	}
	params, err := typedParams(f.Params, spec.NewParams)
	if err != nil {
		return nil, fmt.Errorf("fault %q of type %s: %w", f.Name, f.Type, err)
	}
	fault, err := spec.New(faults.Common{Name: f.Name, Target: f.Target, Duration: f.Duration}, params)
	if err != nil {
		return nil, fmt.Errorf("fault %q: %w", f.Name, err)
	}
	runID := fmt.Sprintf("go-%s-%06x", f.Name, randomSeed()&0xffffff)
	env := faults.Env{Cluster: c.c, Client: c.client, RunID: runID, Log: c.log}
	rev, err := fault.Plan(ctx, env)
	if err != nil {
		return nil, fmt.Errorf("fault %q: %w", f.Name, err)
	}
	jr, err := journal.Open(journal.DefaultDir(), journal.Entry{RunID: runID, PID: os.Getpid(), Started: time.Now(),
		Scenario: "Go API fault " + f.Name, Provider: "kind", Cluster: c.Name(), Reverts: []faults.Revert{rev}})
	if err != nil {
		return nil, err
	}
	revert := c.revertOnce(rev, jr)
	if err := fault.Inject(ctx, env); err != nil {
		return nil, fmt.Errorf("fault %q: %w (revert: %v)", f.Name, err, revert(context.WithoutCancel(ctx)))
	}
	return revert, nil
}

// revertOnce runs a fault's revert steps until they succeed once, then
// removes its journal.
func (c *Cluster) revertOnce(rev faults.Revert, jr *journal.Journal) Revert {
	var mu sync.Mutex
	done := false
	return func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return nil
		}
		if err := faults.RunRevert(ctx, c.c, rev); err != nil {
			return fmt.Errorf("%w (journal %s kept: `harness cleanup --faults-only` retries)", err, jr.Path())
		}
		done = true
		return jr.Close()
	}
}

// typedParams returns the given parameter struct, or the type's defaults
// (newParams' zero struct) when none was given; it refuses a struct of
// another type, and any for a type that takes none (newParams nil).
func typedParams(given any, newParams func() any) (any, error) {
	switch {
	case newParams == nil && given == nil:
		return nil, nil
	case newParams == nil:
		return nil, fmt.Errorf("params of type %T given; this type takes no params", given)
	case given == nil:
		return newParams(), nil
	case reflect.TypeOf(given) != reflect.TypeOf(newParams()):
		return nil, fmt.Errorf("params of type %T given; this type takes %T", given, newParams())
	}
	return given, nil
}
