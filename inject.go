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
	"github.com/harness-dev/harness/internal/lifecycle"
	"github.com/harness-dev/harness/internal/runner"
	"github.com/harness-dev/harness/timeline"
)

// Fault is one fault to inject, as a scenario's faults entry says it.
type Fault struct {
	// Name identifies the fault (in iptables comments, files, the journal,
	// the marks <name>.start and <name>.end).
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
// It goes through the same lifecycle as a scenario's faults.
func (c *Cluster) Inject(ctx context.Context, f Fault) (Revert, error) {
	return c.inject(ctx, f, nil)
}

// Inject injects a fault into the recorded cluster as Cluster.Inject does,
// and marks <name>.start on the timeline when it is injected and
// <name>.end when its revert has run, as a scenario run does: assertions
// measure from those marks.
func (r *Recording) Inject(ctx context.Context, f Fault) (Revert, error) {
	return r.c.inject(ctx, f, r.tl)
}

func (c *Cluster) inject(ctx context.Context, f Fault, tl *timeline.Timeline) (Revert, error) {
	fault, err := buildFault(f)
	if err != nil {
		return nil, err
	}
	runID := runner.NewRunID("go-" + f.Name)
	env := faults.Env{Cluster: c.c, Client: c.client, RunID: runID, Log: c.log}
	if h, ok := fault.(faults.HostNeeder); ok {
		if err := c.provider.EnsureHost(ctx, h.HostNeeds()); err != nil {
			return nil, fmt.Errorf("fault %q: %w", f.Name, err)
		}
	}
	jr, err := journal.Open(journal.DefaultDir(), journal.Entry{RunID: runID, PID: os.Getpid(), Started: time.Now(),
		Scenario: "Go API fault " + f.Name, Provider: c.c.Provider, Cluster: c.Name()})
	if err != nil {
		return nil, err
	}
	lc := lifecycle.New(env, jr, tl, nil)
	revert := revertOnce(lc, f.Name, jr)
	if _, err := lc.Inject(ctx, lifecycle.Fault{Name: f.Name, Type: f.Type, Fault: fault, Describe: f.Target.String()}); err != nil {
		return nil, fmt.Errorf("%w (revert: %v)", err, revert(context.WithoutCancel(ctx)))
	}
	return revert, nil
}

// buildFault checks a Go API fault as the scenario decoder would.
func buildFault(f Fault) (faults.Fault, error) {
	spec, ok := faults.Lookup(f.Type)
	if !ok {
		return nil, fmt.Errorf("fault %q: unknown type %q; valid types: %v", f.Name, f.Type, faults.Types())
	}
	params, err := typedParams(f.Params, spec.NewParams)
	if err != nil {
		return nil, fmt.Errorf("fault %q of type %s: %w", f.Name, f.Type, err)
	}
	fault, errs := spec.Build(faults.Common{Name: f.Name, Target: f.Target, Duration: f.Duration}, params)
	if len(errs) > 0 {
		return nil, fmt.Errorf("fault %q: %w", f.Name, errs.ToAggregate())
	}
	return fault, nil
}

// revertOnce reverts the fault until that succeeds once, then removes its
// journal.
func revertOnce(lc *lifecycle.Lifecycle, name string, jr *journal.Journal) Revert {
	var mu sync.Mutex
	done := false
	return func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return nil
		}
		if _, err := lc.Revert(ctx, name); err != nil {
			return err
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
