package harness

import (
	"context"
	"fmt"
	"sync"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/probes"
)

// Probe starts what an assertion of a probing type measures, as a
// scenario's run does (the same probe starter), and watches the kinds it
// judges: for podsCreatable it creates the probe Deployment now (zero
// replicas) and scales it up when the assertion's From mark is recorded
// (Recording.Mark), and deletes it at Stop; for reconciles it applies its
// manifest at From and deletes it at Stop; for httpAvailable, dnsResolves,
// metric and logLine it probes from now until Stop; for objectState (and
// reconciles) the recording watches the objects' kind from now on. Call it
// before the fault; Judge and Await then accept the assertion. Other types
// need nothing and are accepted as they are.
func (r *Recording) Probe(ctx context.Context, a Assertion) error {
	as, err := newAssertion(a)
	if err != nil {
		return err
	}
	if w, ok := as.(assertions.Watcher); ok {
		if err := r.rec.Watch(ctx, w.Watches()); err != nil {
			return fmt.Errorf("assertion %s: %w", a.Name, err)
		}
	}
	p, ok := as.(assertions.Prober)
	if !ok {
		r.pr.add(a.Name, func() {})
		return nil
	}
	stop, err := probes.Start(ctx, probes.Env{Client: r.c.client, Cluster: r.c.c, Timeline: r.tl, Log: r.c.log},
		[]probes.Request{{Name: a.Name, From: a.From, Probe: p.Probe()}})
	if err != nil {
		return err
	}
	r.pr.add(a.Name, stop)
	return nil
}

// probing holds a Recording's probes until it stops.
type probing struct {
	mu    sync.Mutex
	names map[string]bool
	stops []func()
}

func newProbing() *probing { return &probing{names: map[string]bool{}} }

func (p *probing) add(name string, stop func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.names[name] = true
	p.stops = append(p.stops, stop)
}

func (p *probing) started(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.names[name]
}

func (p *probing) stop() {
	p.mu.Lock()
	stops := p.stops
	p.stops = nil
	p.mu.Unlock()
	for _, s := range stops {
		s()
	}
}
