package recorder

import (
	"context"
	"time"

	"k8s.io/client-go/tools/cache"

	"github.com/harness-dev/harness/internal/timeline"
)

// probe checks the apiserver every ProbeInterval; it records outages and
// restarts the informers when the apiserver answers again.
func (r *Recorder) probe(ctx context.Context, stop chan struct{}) {
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
		pctx, cancel := context.WithTimeout(ctx, r.o.ProbeTimeout)
		err := r.o.Probe(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil && !down:
			down = true
			r.o.Timeline.Add(timeline.Event{Type: timeline.OutageStarted, Note: err.Error()})
			r.o.Log.Info("apiserver unreachable", "err", err)
		case err == nil && down:
			down = false
			r.o.Timeline.Add(timeline.Event{Type: timeline.OutageEnded})
			r.o.Log.Info("apiserver reachable again; relisting")
			close(stop)
			stop = r.relist(ctx)
		}
	}
}

// relist starts fresh informers and, once they synced, records as deleted
// every object that disappeared during the outage.
func (r *Recorder) relist(ctx context.Context) chan struct{} {
	stop, synced := r.startInformers(ctx)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if !cache.WaitForCacheSync(stop, synced...) {
			return
		}
		r.recordVanished()
	}()
	return stop
}

// recordVanished records a deletion for every object recorded before that
// the current informers did not list.
func (r *Recorder) recordVanished() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for key, e := range r.last {
		if r.seen[key] || e.Type == timeline.KubeEvent {
			continue
		}
		delete(r.last, key)
		e.Action = "deleted"
		r.o.Timeline.Add(e)
	}
}
