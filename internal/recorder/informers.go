package recorder

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/harness-dev/harness/timeline"
)

// generation is one set of running informer factories.
type generation struct {
	id      int
	ctx     context.Context // done once the generation is stopped
	stop    context.CancelFunc
	handler cache.ResourceEventHandler
	synced  []cache.InformerSynced // true once the handlers got the first lists
}

// startInformers starts a fresh generation of informers under ctx. Older
// generations' notifications are dropped from now on.
func (r *Recorder) startInformers(ctx context.Context) *generation {
	r.mu.Lock()
	r.gen++
	r.seen = map[string]bool{}
	g := &generation{id: r.gen}
	r.cur = g
	kinds := r.kinds
	r.mu.Unlock()
	g.ctx, g.stop = context.WithCancel(ctx)
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { r.observe(g.id, timeline.Added, obj) },
		UpdateFunc: func(_, obj any) { r.observe(g.id, timeline.Updated, obj) },
		DeleteFunc: func(obj any) { r.observe(g.id, timeline.Deleted, obj) },
	}
	g.handler = handler
	g.synced = append(g.synced, r.startDynamic(g, kinds)...)
	factories := r.factories()
	for _, inf := range informersOf(factories) {
		reg, err := inf.AddEventHandler(handler)
		if err != nil {
			// Only a stopped informer refuses; these were never started.
			r.o.Log.Error("adding informer handler failed", "err", err)
			continue
		}
		g.synced = append(g.synced, reg.HasSynced)
	}
	for _, f := range factories {
		f.Start(g.ctx.Done())
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		<-g.ctx.Done()
		for _, f := range factories {
			f.Shutdown()
		}
	}()
	return g
}

// factories returns one informer factory per watched namespace.
func (r *Recorder) factories() []informers.SharedInformerFactory {
	namespaces := r.o.Namespaces
	if len(namespaces) == 0 {
		namespaces = []string{metav1.NamespaceAll}
	}
	var out []informers.SharedInformerFactory
	done := map[string]bool{}
	for _, ns := range namespaces {
		if done[ns] {
			continue
		}
		done[ns] = true
		out = append(out, informers.NewSharedInformerFactoryWithOptions(r.o.Client, 0, informers.WithNamespace(ns)))
	}
	return out
}

// informersOf returns the watched informers of the factories; Nodes, which
// have no namespace, come from the first factory only.
func informersOf(factories []informers.SharedInformerFactory) []cache.SharedIndexInformer {
	infs := []cache.SharedIndexInformer{factories[0].Core().V1().Nodes().Informer()}
	for _, f := range factories {
		infs = append(infs,
			f.Core().V1().Pods().Informer(),
			f.Coordination().V1().Leases().Informer(),
			f.Core().V1().Events().Informer(),
		)
	}
	return infs
}
