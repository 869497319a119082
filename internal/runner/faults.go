package runner

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/harness-dev/harness/internal/result"
	"github.com/harness-dev/harness/scenarios"
)

// faultsAndObserve injects the faults on their schedule while the
// assertions are judged, and returns when both are done.
func (r *run) faultsAndObserve(ctx context.Context) error {
	faultsDone := make(chan error, 1)
	go func() { faultsDone <- r.runFaults(ctx) }()
	go r.runProbes(ctx)
	return r.observe(ctx, faultsDone)
}

// runFaults starts every fault at its offset (or after the fault it
// follows) and waits for all of them to end.
func (r *run) runFaults(ctx context.Context) error {
	r.pr.step("injecting %d faults", len(r.sc.Faults))
	r.tl.Mark("faults.start", "")
	ended := map[string]chan struct{}{}
	for _, f := range r.sc.Faults {
		ended[f.Name] = make(chan struct{})
	}
	r.res.Faults = make([]result.Fault, len(r.sc.Faults))
	errs := make([]error, len(r.sc.Faults))
	var wg sync.WaitGroup
	for i, f := range r.sc.Faults {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(ended[f.Name])
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("panic in fault %s: %v\n%s", f.Name, p, debug.Stack())
				}
			}()
			if f.After != "" {
				select {
				case <-ended[f.After]:
				case <-ctx.Done():
					return
				}
			}
			if !waitOrDone(ctx, f.At) {
				return
			}
			if f.Trigger != nil {
				var ok bool
				if ok, errs[i] = r.awaitTrigger(ctx, f, &r.res.Faults[i]); !ok {
					return
				}
			}
			errs[i] = r.oneFault(ctx, f, &r.res.Faults[i])
			if f.Trigger != nil && r.res.Faults[i].Start > 0 {
				rec := &r.res.Faults[i]
				rec.TriggerLatency = rec.Start - rec.Triggered - f.Trigger.Delay
			}
		}()
	}
	wg.Wait()
	r.tl.Mark("faults.end", "")
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// oneFault plans, journals, injects, holds and reverts one fault.
func (r *run) oneFault(ctx context.Context, f scenarios.FaultEntry, rec *result.Fault) error {
	rec.Name, rec.Type, rec.Target = f.Name, f.Type, describeTarget(f)
	rev, err := f.Fault.Plan(ctx, r.env)
	if err != nil {
		rec.Error = err.Error()
		return fmt.Errorf("fault %s: %w", f.Name, err)
	}
	if err := r.addRevert(rev); err != nil {
		return err
	}
	rec.Start = r.tl.Mark(f.Name+".start", f.Type)
	r.pr.step("fault %s (%s) injected on %s", f.Name, f.Type, rec.Target)
	if err := f.Fault.Inject(ctx, r.env); err != nil {
		rec.Error = err.Error()
		_ = r.revert(context.WithoutCancel(ctx), f.Name)
		rec.End = r.tl.Now() // no end mark: nothing is measured from a fault that did not happen
		return fmt.Errorf("fault %s: %w", f.Name, err)
	}
	rec.Injected = true
	if f.Duration > 0 {
		r.pr.step("fault %s holds for %s", f.Name, f.Duration)
		waitOrDone(ctx, f.Duration)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := r.revert(rctx, f.Name); err != nil {
		rec.Error = err.Error()
		return err
	}
	rec.End = r.tl.Mark(f.Name+".end", "")
	if f.Duration > 0 {
		r.pr.step("fault %s reverted", f.Name)
	}
	return nil
}

func describeTarget(f scenarios.FaultEntry) string {
	t := f.Target
	s := ""
	switch {
	case t.Component != "":
		s = t.Component
	case t.Selector != "":
		s = fmt.Sprintf("pods %s in %s", t.Selector, t.Namespace)
	}
	if t.Container != "" {
		s += " container " + t.Container
	}
	if t.Process != "" {
		s += " process " + t.Process
	}
	node := t.Node
	if node == "" {
		node = "control-plane"
	}
	if s == "" {
		return "node " + node
	}
	return s + " on " + node
}

// waitOrDone waits d, or less when ctx ends; it reports whether d passed.
func waitOrDone(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
