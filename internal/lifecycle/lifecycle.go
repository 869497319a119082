// Package lifecycle owns the life of injected faults, for the runner (the
// CLI) and the Go API alike: plan, journal the revert, mark the start,
// inject, hold, revert once, mark the end, unjournal; and the revert of
// everything still active, newest first, however a run ends. A revert that
// fails stays in the journal for `harness cleanup`.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/journal"
	"github.com/harness-dev/harness/timeline"
)

// RevertTimeout bounds a revert; reverts run on a context that Ctrl-C does
// not cancel.
const RevertTimeout = 3 * time.Minute

// Bounds of gathering a fault's evidence: a lasting fault's at the end of
// its window (it delays the revert by that much at most), an instant
// fault's after its end mark (the system may take a while to show it: a
// killed container is restarted).
const (
	LastingEvidenceTimeout = 10 * time.Second
	InstantEvidenceTimeout = time.Minute
)

// Lifecycle injects and reverts the faults of one run (or one Go API
// injection) into one cluster.
type Lifecycle struct {
	env     faults.Env
	journal *journal.Journal
	tl      *timeline.Timeline // nil: no marks
	step    func(format string, args ...any)

	mu     sync.Mutex
	active []faults.Revert // oldest first
}

// New returns the lifecycle of faults injected with env, journaled in jr
// and marked on tl (nil for none); step reports progress (nil for none).
func New(env faults.Env, jr *journal.Journal, tl *timeline.Timeline, step func(string, ...any)) *Lifecycle {
	if step == nil {
		step = func(string, ...any) {}
	}
	return &Lifecycle{env: env, journal: jr, tl: tl, step: step}
}

// Fault is one fault to inject.
type Fault struct {
	Name, Type string
	Fault      faults.Fault
	// Describe says what the fault hits, for people.
	Describe string
	// Duration is how long Run holds the fault before reverting it.
	Duration time.Duration
	// Resolved, when set, receives what planning resolved that the
	// scenario did not say (faults.Env.Note: the node of a leader:
	// reference); it is also in the progress line and the start mark.
	Resolved func(string)
}

// Window is what happened to a fault that Run injected.
type Window struct {
	Start, End time.Duration
	// Evidence is what the system showed of the fault.
	Evidence faults.Evidence
	// EvidenceTime is how long gathering it took.
	EvidenceTime time.Duration
}

// Inject plans f, journals its revert, marks <name>.start and injects it,
// and returns the start offset. When the injection fails the fault is
// reverted at once and no end mark is recorded: nothing is measured from a
// fault that did not happen.
func (l *Lifecycle) Inject(ctx context.Context, f Fault) (time.Duration, error) {
	env := l.env
	var notes []string
	env.Note = func(s string) {
		if !slices.Contains(notes, s) { // a target resolved twice (inject and revert) is noted once
			notes = append(notes, s)
		}
	}
	rev, err := f.Fault.Plan(ctx, env)
	if err != nil {
		return 0, fmt.Errorf("fault %s: %w", f.Name, err)
	}
	l.mu.Lock()
	l.active = append(l.active, rev)
	l.mu.Unlock()
	if err := l.journal.AddRevert(rev); err != nil {
		return 0, fmt.Errorf("fault %s: journal its revert: %w", f.Name, err)
	}
	markNote, describe := f.Type, f.Describe
	if resolved := strings.Join(notes, "; "); resolved != "" {
		markNote, describe = f.Type+": "+resolved, describe+" ("+resolved+")"
		if f.Resolved != nil {
			f.Resolved(resolved)
		}
	}
	start := l.mark(timeline.FaultStart(f.Name), markNote)
	l.step("fault %s (%s) injected on %s", f.Name, f.Type, describe)
	if err := f.Fault.Inject(ctx, env); err != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), RevertTimeout)
		defer cancel()
		return start, errors.Join(fmt.Errorf("fault %s: %w", f.Name, err), l.revert(rctx, f.Name))
	}
	return start, nil
}

// Revert runs the revert of the named fault if it is still active, marks
// <name>.end and removes it from the journal; it returns the end offset. A
// fault already reverted (or never injected) needs nothing.
func (l *Lifecycle) Revert(ctx context.Context, name string) (time.Duration, error) {
	if err := l.revert(ctx, name); err != nil {
		return 0, err
	}
	return l.mark(timeline.FaultEnd(name), ""), nil
}

// Run injects f, holds it for its duration (less when ctx ends), reverts
// it, and returns its window. A lasting fault's evidence is gathered at the
// end of the window, before the revert; an instant fault's is not (the
// caller gathers it with Evidence once the fault has ended, so that neither
// its end mark nor the faults that follow it wait for it).
func (l *Lifecycle) Run(ctx context.Context, f Fault) (Window, error) {
	var w Window
	var err error
	if w.Start, err = l.Inject(ctx, f); err != nil {
		return w, err
	}
	if f.Duration > 0 {
		l.step("fault %s holds for %s", f.Name, f.Duration)
		wait(ctx, f.Duration)
		w.Evidence, w.EvidenceTime = l.Evidence(ctx, f, LastingEvidenceTimeout)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), RevertTimeout)
	defer cancel()
	if w.End, err = l.Revert(rctx, f.Name); err != nil {
		return w, err
	}
	if f.Duration > 0 {
		l.step("fault %s reverted", f.Name)
	}
	return w, nil
}

// Evidence gathers what the system shows of f (waiting up to timeout),
// records it on the timeline, and returns it with the time it took. A fault
// type that gathers none shows nothing.
func (l *Lifecycle) Evidence(ctx context.Context, f Fault, timeout time.Duration) (faults.Evidence, time.Duration) {
	start := time.Now()
	ev := faults.Evidence{Observed: "the " + f.Type + " fault gathers no evidence"}
	if p, ok := f.Fault.(faults.Prover); ok {
		ectx, cancel := context.WithTimeout(ctx, timeout)
		ev = p.Evidence(ectx, l.env)
		cancel()
	}
	if l.tl != nil {
		l.tl.Add(timeline.Event{Type: timeline.EvidenceRecorded,
			Evidence: &timeline.Evidence{Fault: f.Name, Took: ev.Took, Observed: ev.Observed}})
	}
	word := "took effect"
	if !ev.Took {
		word = "shows no effect"
	}
	l.step("fault %s %s: %s", f.Name, word, ev.Observed)
	return ev, time.Since(start)
}

// revert runs the revert of one fault once; a failed revert stays active
// (and journaled) so that RevertAll or `harness cleanup` tries again.
func (l *Lifecycle) revert(ctx context.Context, name string) error {
	l.mu.Lock()
	var rev *faults.Revert
	for i := range l.active {
		if l.active[i].Fault == name {
			rev = &l.active[i]
			l.active = append(l.active[:i:i], l.active[i+1:]...)
			break
		}
	}
	l.mu.Unlock()
	if rev == nil {
		return nil
	}
	if err := faults.RunRevert(ctx, l.env.Cluster, *rev); err != nil {
		l.mu.Lock()
		l.active = append(l.active, *rev)
		l.mu.Unlock()
		return fmt.Errorf("%w (journal %s kept: `harness cleanup --faults-only` retries)", err, l.journal.Path())
	}
	return l.journal.RemoveRevert(name)
}

// RevertAll reverts every fault still active, newest first. A revert that
// fails is given up here and kept in the journal.
func (l *Lifecycle) RevertAll(ctx context.Context) error {
	var errs []error
	for {
		l.mu.Lock()
		n := len(l.active)
		var name string
		if n > 0 {
			name = l.active[n-1].Fault
		}
		l.mu.Unlock()
		if n == 0 {
			return errors.Join(errs...)
		}
		l.step("reverting fault %s", name)
		if err := l.revert(ctx, name); err != nil {
			errs = append(errs, err)
			l.mu.Lock()
			l.active = l.active[:len(l.active)-1]
			l.mu.Unlock()
		}
	}
}

// Active reports whether faults are still active (not reverted).
func (l *Lifecycle) Active() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.active) > 0
}

func (l *Lifecycle) mark(name, note string) time.Duration {
	if l.tl == nil {
		return 0
	}
	return l.tl.Mark(name, note)
}

// wait waits d, or less when ctx ends.
func wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
