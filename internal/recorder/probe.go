package recorder

import (
	"context"
	"fmt"
	"sort"
	"time"

	"k8s.io/client-go/tools/cache"

	"github.com/harness-dev/harness/timeline"
)

// probe checks the apiserver every ProbeInterval; it records outages and
// replaces the informers of generation g when the apiserver answers again.
func (r *Recorder) probe(ctx context.Context, g *generation) {
	defer r.wg.Done()
	t := time.NewTicker(r.o.ProbeInterval)
	defer t.Stop()
	down := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := r.check(ctx)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil && !down:
			down = true
			r.o.Timeline.Add(timeline.Event{Type: timeline.OutageStarted, Note: err.Error()})
			r.o.Log.Warn("apiserver unreachable", "err", err)
		case err == nil && down:
			down = false
			r.o.Timeline.Add(timeline.Event{Type: timeline.OutageEnded})
			r.o.Log.Info("apiserver reachable again, restarting informers")
			g.stop()
			g = r.relist(ctx)
		}
	}
}

// check runs the probe once, bounded by ProbeTimeout.
func (r *Recorder) check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.o.ProbeTimeout)
	defer cancel()
	return r.o.Probe(ctx)
}

// relist starts a fresh generation of informers and, once it has synced,
// records as deleted every object that disappeared during the outage.
func (r *Recorder) relist(ctx context.Context) *generation {
	g := r.startInformers(ctx)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if !cache.WaitForCacheSync(g.ctx.Done(), g.synced...) {
			return // stopped, or replaced after another outage
		}
		n, current := r.recordVanished(g.id)
		if current {
			r.o.Timeline.Add(timeline.Event{Type: timeline.Relisted, Note: fmt.Sprintf("%d objects vanished during the outage", n)})
		}
		r.o.Log.Info("informers relisted", "vanished", n)
	}()
	return g
}

// recordVanished records a deletion for every object recorded before that
// generation gen, which has synced, did not list. It returns how many, and
// whether gen is still the current generation.
func (r *Recorder) recordVanished(gen int) (int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen != r.gen {
		return 0, false // seen belongs to a newer generation
	}
	var gone []string
	for key := range r.last {
		if !r.seen[key] {
			gone = append(gone, key)
		}
	}
	sort.Strings(gone)
	for _, key := range gone {
		e := r.last[key].ev
		delete(r.last, key)
		e.Action = timeline.Deleted
		r.o.Timeline.Add(e)
	}
	return len(gone), true
}
