// Package recorder watches a cluster with client-go informers and records
// every change of Pods, Leases, Nodes and Events on a timeline. It survives
// the apiserver being unreachable: a probe records the outage window, and
// the informers are started afresh when the apiserver answers again, so that
// the state is relisted at once instead of after the reflectors' backoff.
package recorder

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/harness-dev/harness/internal/timeline"
)

// Options configure a Recorder.
type Options struct {
	Client   kubernetes.Interface
	Timeline *timeline.Recorder
	Log      *slog.Logger
	// ProbeInterval and ProbeTimeout pace the apiserver reachability probe.
	ProbeInterval, ProbeTimeout time.Duration
	// Probe checks the apiserver; the default asks /readyz.
	Probe func(ctx context.Context) error
	// SyncTimeout bounds the wait for the informers' first list.
	SyncTimeout time.Duration
}

// Recorder records a cluster's changes on a timeline.
type Recorder struct {
	o      Options
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu   sync.Mutex
	last map[string]timeline.Event // type/key → last recorded state
	seen map[string]bool           // keys the current generation has listed
	gen  int                       // informer generation; older ones' events are dropped
}

// Start starts the informers and the probe, and returns once the first
// state of the cluster is on the timeline.
func Start(ctx context.Context, o Options) (*Recorder, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.ProbeInterval == 0 {
		o.ProbeInterval = 500 * time.Millisecond
	}
	if o.ProbeTimeout == 0 {
		o.ProbeTimeout = 2 * time.Second
	}
	if o.SyncTimeout == 0 {
		o.SyncTimeout = time.Minute
	}
	if o.Probe == nil {
		o.Probe = func(ctx context.Context) error {
			return o.Client.Discovery().RESTClient().Get().AbsPath("/readyz").Do(ctx).Error()
		}
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &Recorder{o: o, cancel: cancel, last: map[string]timeline.Event{}}
	stop, synced := r.startInformers(runCtx)
	syncCtx, syncCancel := context.WithTimeout(ctx, o.SyncTimeout)
	defer syncCancel()
	if !cache.WaitForCacheSync(syncCtx.Done(), synced...) {
		close(stop)
		cancel()
		return nil, errors.New("informers did not sync: the apiserver did not answer the first list")
	}
	r.wg.Add(1)
	go r.probe(runCtx, stop)
	return r, nil
}

// Stop stops watching and waits for every goroutine of the recorder.
func (r *Recorder) Stop() {
	r.cancel()
	r.wg.Wait()
}

// startInformers starts a fresh informer factory; close the returned
// channel to stop it.
func (r *Recorder) startInformers(ctx context.Context) (chan struct{}, []cache.InformerSynced) {
	r.mu.Lock()
	r.gen++
	r.seen = map[string]bool{}
	gen := r.gen
	r.mu.Unlock()
	f := informers.NewSharedInformerFactory(r.o.Client, 0)
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { r.observe(gen, "added", obj) },
		UpdateFunc: func(_, obj any) { r.observe(gen, "updated", obj) },
		DeleteFunc: func(obj any) { r.observe(gen, "deleted", obj) },
	}
	infs := []cache.SharedIndexInformer{
		f.Core().V1().Pods().Informer(),
		f.Coordination().V1().Leases().Informer(),
		f.Core().V1().Nodes().Informer(),
		f.Core().V1().Events().Informer(),
	}
	var synced []cache.InformerSynced
	for _, inf := range infs {
		if _, err := inf.AddEventHandler(handler); err != nil {
			r.o.Log.Warn("adding informer handler failed", "err", err)
		}
		synced = append(synced, inf.HasSynced)
	}
	stop := make(chan struct{})
	f.Start(stop)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		select {
		case <-ctx.Done():
			close(stop)
		case <-stop:
		}
		f.Shutdown()
	}()
	return stop, synced
}

// observe records one informer notification, unless it repeats the last
// recorded state of the object or comes from a stopped generation.
func (r *Recorder) observe(gen int, action string, obj any) {
	e, ok := snapshot(obj)
	if !ok {
		return
	}
	e.Action = action
	key, fp := typeKey(e), fingerprint(e)
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen != r.gen {
		return
	}
	r.seen[key] = true
	prevEvent, known := r.last[key]
	prev := fingerprint(prevEvent)
	switch {
	case action == "deleted":
		if !known {
			return
		}
		delete(r.last, key)
	case known && prev == fp:
		return
	case e.Type == timeline.KubeEvent && known:
		return
	default:
		r.last[key] = e
		if known && action == "added" {
			e.Action = "updated" // relisted after an outage
		}
	}
	r.o.Timeline.Add(e)
}
