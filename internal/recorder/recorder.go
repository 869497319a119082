// Package recorder watches a cluster with client-go informers and records
// every change of Pods, Leases, Nodes and Events on a timeline, and of the
// objects of further kinds that assertions name (dynamic informers, the
// objects recorded whole). It survives
// the apiserver being unreachable: a probe records the outage window, and
// the informers are started afresh when the apiserver answers again, so that
// the state is relisted at once instead of after the reflectors' backoff.
package recorder

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/timeline"
)

// Options configure a Recorder.
type Options struct {
	Client   kubernetes.Interface
	Timeline *timeline.Timeline
	// Namespaces limits Pods, Leases and Events to these namespaces; empty
	// means all. Nodes are always watched.
	Namespaces []string
	Log        *slog.Logger
	// ProbeInterval (default 500ms) and ProbeTimeout (default 2s) pace the
	// apiserver reachability probe.
	ProbeInterval, ProbeTimeout time.Duration
	// Probe checks the apiserver; the default asks /readyz, then lists one
	// Pod: a restarted apiserver is ready before its authorizer lets the
	// informers list, and informers that start too early back off for long.
	Probe func(ctx context.Context) error
	// SyncTimeout bounds, besides the context of Start, the wait for the
	// informers' first list (default 1m).
	SyncTimeout time.Duration
	// Objects are further kinds to watch (the objectState and reconciles
	// assertions' kinds), with dynamic informers: each object is recorded
	// whole (ObjectObserved). Watch adds kinds later.
	Objects []assertions.Watch
	// Dynamic is the dynamic client for Objects; Mapper maps their kinds
	// to resources (default: the cluster's discovery, so that custom
	// resources created by a scenario's setup are found).
	Dynamic dynamic.Interface
	Mapper  meta.RESTMapper
}

// Recorder records a cluster's changes on a timeline.
type Recorder struct {
	o      Options
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu   sync.Mutex
	last map[string]observation // key → last recorded state
	seen map[string]bool        // keys the current generation has listed
	gen  int                    // informer generation; older ones' notifications are dropped
	cur  *generation            // the current generation
	// kinds are the resources of Options.Objects and Watch, each with the
	// namespace it is watched in.
	kinds []kind
}

// Start starts the informers and the probe, and returns once the first
// state of the cluster is on the timeline. ctx bounds that wait only: the
// recorder runs until Stop.
func Start(ctx context.Context, o Options) (*Recorder, error) {
	if o.Client == nil || o.Timeline == nil {
		return nil, fmt.Errorf("recorder: Client and Timeline are required")
	}
	o = withDefaults(o)
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &Recorder{o: o, cancel: cancel, last: map[string]observation{}}
	kinds, err := r.resolve(o.Objects)
	if err != nil {
		cancel()
		return nil, err
	}
	r.kinds = kinds
	g := r.startInformers(runCtx)
	syncCtx, syncCancel := context.WithTimeout(ctx, o.SyncTimeout)
	defer syncCancel()
	if !cache.WaitForCacheSync(syncCtx.Done(), g.synced...) {
		r.Stop()
		return nil, fmt.Errorf("informers did not sync, the apiserver did not answer the first lists: %w", syncCtx.Err())
	}
	r.wg.Add(1)
	go r.probe(runCtx, g)
	return r, nil
}

func withDefaults(o Options) Options {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.ProbeInterval <= 0 {
		o.ProbeInterval = 500 * time.Millisecond
	}
	if o.ProbeTimeout <= 0 {
		o.ProbeTimeout = 5 * time.Second
	}
	if o.SyncTimeout <= 0 {
		o.SyncTimeout = time.Minute
	}
	if o.Probe == nil {
		client := o.Client
		o.Probe = func(ctx context.Context) error {
			if err := client.Discovery().RESTClient().Get().AbsPath("/readyz").Do(ctx).Error(); err != nil {
				return err
			}
			_, err := client.CoreV1().Pods("").List(ctx, metav1.ListOptions{Limit: 1})
			return err
		}
	}
	return o
}

// Stop stops watching and waits for every goroutine of the recorder. It
// may be called more than once.
func (r *Recorder) Stop() {
	r.cancel()
	r.wg.Wait()
}

// observe records one informer notification of generation gen, unless it
// repeats the last recorded state of the object or comes from a stopped
// generation.
func (r *Recorder) observe(gen int, action timeline.Action, obj any) {
	ob, ok := snapshot(obj)
	if !ok {
		return
	}
	ob.ev.Action = action
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen != r.gen {
		return
	}
	for _, e := range r.decide(ob) {
		r.o.Timeline.Add(e)
	}
}

// decide updates the last recorded states with ob and returns what to
// record for it. The caller holds r.mu.
func (r *Recorder) decide(ob observation) []timeline.Event {
	prev, known := r.last[ob.key]
	if ob.ev.Action == timeline.Deleted {
		if !known {
			return nil // its deletion was recorded when it vanished
		}
		delete(r.last, ob.key)
		return []timeline.Event{ob.ev}
	}
	r.seen[ob.key] = true
	var out []timeline.Event
	switch {
	case !known:
	case ob.ev.Action == timeline.Updated && ob.ev.Type == timeline.LeaseObserved:
		// Every renewal matters, even one that changed nothing we keep.
	case prev.fp == ob.fp:
		return nil
	case ob.ev.Action == timeline.Added && replaced(prev.ev, ob.ev):
		// Deleted and created again while the informers were restarted.
		gone := prev.ev
		gone.Action = timeline.Deleted
		out = append(out, gone)
	case ob.ev.Action == timeline.Added:
		ob.ev.Action = timeline.Updated // relisted after an outage, changed meanwhile
	}
	r.last[ob.key] = ob
	return append(out, ob.ev)
}

// replaced reports whether now is a different Pod or object of the same
// name as prev.
func replaced(prev, now timeline.Event) bool {
	return prev.Pod != nil && now.Pod != nil && prev.Pod.UID != now.Pod.UID ||
		prev.Object != nil && now.Object != nil && prev.Object.UID != now.Object.UID
}
