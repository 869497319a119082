package trigger

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
)

// change is one informer notification: old is nil for additions, cur is nil
// for deletions; initial is true for the objects of the first list, which
// are the state at arming, not events.
type change struct {
	old, cur any
	initial  bool
}

// watchUntil runs an informer over lw until match reports a Fired, or tick
// (when not nil, called every tickEvery) does. The informer re-lists and
// re-watches by itself across apiserver outages.
func watchUntil(ctx context.Context, env Env, lw cache.ListerWatcher, obj runtime.Object,
	match func(change) (Fired, bool), tick func() (Fired, bool)) (Fired, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	changes := make(chan change, 256)
	inf := cache.NewSharedIndexInformer(lw, obj, 0, cache.Indexers{})
	send := func(c change) {
		select {
		case changes <- c:
		case <-ctx.Done():
		}
	}
	reg, err := inf.AddEventHandler(cache.ResourceEventHandlerDetailedFuncs{
		AddFunc:    func(o any, initial bool) { send(change{cur: o, initial: initial}) },
		UpdateFunc: func(o, n any) { send(change{old: o, cur: n}) },
		DeleteFunc: func(o any) { send(change{old: o}) },
	})
	if err != nil {
		return Fired{}, err
	}
	go inf.Run(ctx.Done())
	go func() {
		if cache.WaitForCacheSync(ctx.Done(), reg.HasSynced) {
			env.armed()
		}
	}()
	var tc <-chan time.Time
	if tick != nil {
		t := time.NewTicker(tickEvery)
		defer t.Stop()
		tc = t.C
	}
	for {
		select {
		case c := <-changes:
			if f, ok := match(c); ok {
				return f, nil
			}
		case <-tc:
			if f, ok := tick(); ok {
				return f, nil
			}
		case <-ctx.Done():
			return Fired{}, ctx.Err()
		}
	}
}

// tickEvery is how often time-based conditions (a Lease expiring) are
// checked.
const tickEvery = 50 * time.Millisecond

// listWatch lists and watches with typed client calls and the given field
// and label selectors; client tells whether the client supports watch-list
// semantics (fake clients do not).
func listWatch[L runtime.Object](client any, fieldSel, labelSel string,
	list func(context.Context, metav1.ListOptions) (L, error),
	watchFn func(context.Context, metav1.ListOptions) (watch.Interface, error)) cache.ListerWatcher {
	sel := func(o metav1.ListOptions) metav1.ListOptions {
		o.FieldSelector, o.LabelSelector = fieldSel, labelSel
		return o
	}
	return cache.ToListWatcherWithWatchListSemantics(&cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return list(ctx, sel(o))
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			return watchFn(ctx, sel(o))
		},
	}, client)
}
