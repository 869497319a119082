package harness

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/probes"
)

// Probe starts what an assertion of a probing type measures, as a
// scenario's run does: for podsCreatable it creates the probe Deployment
// now (zero replicas) and scales it up when the assertion's From mark is
// recorded (Recording.Mark) and deletes it at Stop; for httpAvailable it asks the data plane from
// now until Stop. Call it before the fault; Judge and Await then accept the
// assertion. Other types need no probe and are accepted as they are.
func (r *Recording) Probe(ctx context.Context, a Assertion) error {
	as, err := newAssertion(a)
	if err != nil {
		return err
	}
	switch p := as.(type) {
	case assertions.Prober:
		probe := p.Probe()
		if err := probes.Create(ctx, r.c.client, probe); err != nil {
			return fmt.Errorf("assertion %s: %w", a.Name, err)
		}
		r.pr.onStop(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := probes.Delete(ctx, r.c.client, probe); err != nil {
				r.c.log.Warn("probe deployment not deleted", "assertion", a.Name, "err", err)
			}
		})
		r.pr.start(a.Name, func(ctx context.Context) {
			err := probes.ScaleAt(ctx, r.c.client, r.tl, a.Name, a.From, probe, 5*time.Minute)
			if err != nil && ctx.Err() == nil {
				r.c.log.Warn("probe not started", "assertion", a.Name, "err", err)
			}
		})
	case assertions.HTTPProber:
		probe := p.HTTPProbe()
		url, err := probes.URL(ctx, r.c.client, r.c.c, probe)
		if err != nil {
			return fmt.Errorf("assertion %s: %w", a.Name, err)
		}
		r.pr.start(a.Name, func(ctx context.Context) { probes.HTTP(ctx, r.tl, a.Name, url, probe.Interval) })
	}
	return nil
}

func needsProbe(as assertions.Assertion) bool {
	_, pods := as.(assertions.Prober)
	_, http := as.(assertions.HTTPProber)
	return pods || http
}

// probing runs a Recording's probes until it stops.
type probing struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	names  map[string]bool
	undo   []func()
}

func newProbing() *probing {
	ctx, cancel := context.WithCancel(context.Background())
	return &probing{ctx: ctx, cancel: cancel, names: map[string]bool{}}
}

func (p *probing) start(name string, run func(context.Context)) {
	p.mu.Lock()
	p.names[name] = true
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		run(p.ctx)
	}()
}

func (p *probing) onStop(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.undo = append(p.undo, f)
}

func (p *probing) started(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.names[name]
}

func (p *probing) stop() {
	p.cancel()
	p.wg.Wait()
	p.mu.Lock()
	undo := p.undo
	p.undo = nil
	p.mu.Unlock()
	for _, f := range undo {
		f()
	}
}
