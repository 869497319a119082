package runner

import (
	"context"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/probes"
)

type probeEntry struct {
	name, from string
	probe      assertions.Probe
}

func (r *run) probes() []probeEntry {
	var out []probeEntry
	for _, e := range r.sc.Assertions {
		if p, ok := e.Assertion.(assertions.Prober); ok {
			out = append(out, probeEntry{name: e.Name, from: e.From, probe: p.Probe()})
		}
	}
	return out
}

// createProbes creates each probe Deployment with zero replicas.
func (r *run) createProbes(ctx context.Context) error {
	for _, p := range r.probes() {
		if err := probes.Create(ctx, r.client(), p.probe); err != nil {
			return err
		}
	}
	return nil
}

// runProbes scales each probe Deployment up when its moment is reached and
// marks the timeline when the request was accepted.
func (r *run) runProbes(ctx context.Context) {
	for _, p := range r.probes() {
		go r.runProbe(ctx, p)
	}
}

func (r *run) runProbe(ctx context.Context, p probeEntry) {
	if err := probes.ScaleAt(ctx, r.client(), r.tl, p.name, p.from, p.probe, r.o.Timeout); err != nil {
		if ctx.Err() == nil {
			r.o.Log.Warn("probe not started", "assertion", p.name, "err", err)
		}
		return
	}
	r.pr.step("probe %s: scaled %s/%s to %d", p.name, p.probe.Namespace, p.probe.Deployment, p.probe.Replicas)
}
