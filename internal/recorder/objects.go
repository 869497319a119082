package recorder

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/cache"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/timeline"
)

// kind is a resource watched with a dynamic informer, in one namespace or
// (empty) all.
type kind struct {
	gvk       schema.GroupVersionKind
	gvr       schema.GroupVersionResource
	namespace string // "" for all, and for cluster-scoped kinds
}

// resolve maps the kinds to their resources with the REST mapper; a kind
// the apiserver does not serve is an error that names it.
func (r *Recorder) resolve(watches []assertions.Watch) ([]kind, error) {
	if len(watches) == 0 {
		return nil, nil
	}
	if r.o.Dynamic == nil {
		return nil, fmt.Errorf("recorder: watching %s needs a dynamic client (Options.Dynamic)", watches[0].GVK)
	}
	mapper := r.o.Mapper
	if mapper == nil {
		mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(r.o.Client.Discovery()))
	}
	var out []kind
	for _, w := range watches {
		m, err := mapper.RESTMapping(w.GVK.GroupKind(), w.GVK.Version)
		if err != nil {
			return nil, fmt.Errorf("watch %s: the apiserver does not serve it (is its CustomResourceDefinition installed by the setup?): %w", w.GVK, err)
		}
		k := kind{gvk: w.GVK, gvr: m.Resource, namespace: w.Namespace}
		if m.Scope.Name() != meta.RESTScopeNameNamespace {
			k.namespace = ""
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	// A kind watched in all namespaces covers its namespaced watches.
	return slices.DeleteFunc(out, func(k kind) bool {
		return k.namespace != "" && slices.Contains(out, kind{gvk: k.gvk, gvr: k.gvr})
	}), nil
}

// Watch adds kinds to a running recorder: they are watched from now on (in
// this and every later informer generation), and Watch returns once their
// objects are on the timeline.
func (r *Recorder) Watch(ctx context.Context, watches []assertions.Watch) error {
	kinds, err := r.resolve(watches)
	if err != nil {
		return err
	}
	r.mu.Lock()
	var fresh []kind
	for _, k := range kinds {
		if !slices.ContainsFunc(r.kinds, func(o kind) bool { return o.gvr == k.gvr && (o.namespace == "" || o.namespace == k.namespace) }) {
			fresh = append(fresh, k)
		}
	}
	r.kinds = append(r.kinds, fresh...)
	g := r.cur
	r.mu.Unlock()
	if len(fresh) == 0 {
		return nil
	}
	synced := r.startDynamic(g, fresh)
	ctx, cancel := context.WithTimeout(ctx, r.o.SyncTimeout)
	defer cancel()
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		return fmt.Errorf("watch %s: the informers did not sync: %w", fresh[0].gvk, ctx.Err())
	}
	return nil
}

// startDynamic starts dynamic informers for kinds in generation g and
// returns their sync checks.
func (r *Recorder) startDynamic(g *generation, kinds []kind) []cache.InformerSynced {
	var synced []cache.InformerSynced
	for _, k := range kinds {
		f := dynamicinformer.NewFilteredDynamicSharedInformerFactory(r.o.Dynamic, 0, k.namespace, nil)
		inf := f.ForResource(k.gvr).Informer()
		if err := inf.SetTransform(stripManagedFields); err != nil {
			r.o.Log.Error("setting informer transform failed", "err", err)
		}
		reg, err := inf.AddEventHandler(g.handler)
		if err != nil {
			r.o.Log.Error("adding informer handler failed", "resource", k.gvr, "err", err)
			continue
		}
		synced = append(synced, reg.HasSynced)
		f.Start(g.ctx.Done())
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			<-g.ctx.Done()
			f.Shutdown()
		}()
	}
	return synced
}

// stripManagedFields drops metadata.managedFields, which nobody judges and
// which make up much of an object.
func stripManagedFields(obj any) (any, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		u.SetManagedFields(nil)
	}
	return obj, nil
}

// objectSnapshot records an object of a watched kind whole.
func objectSnapshot(u *unstructured.Unstructured) (*timeline.Object, error) {
	content, err := json.Marshal(u.Object)
	if err != nil {
		return nil, err
	}
	return &timeline.Object{APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName(),
		UID: string(u.GetUID()), Labels: u.GetLabels(), Content: content}, nil
}

// WatchesOf collects the kinds that assertions (assertions.Watcher) need
// watched.
func WatchesOf(as []assertions.Assertion) []assertions.Watch {
	var out []assertions.Watch
	for _, a := range as {
		if w, ok := a.(assertions.Watcher); ok {
			for _, k := range w.Watches() {
				if !slices.Contains(out, k) {
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// Describe lists the further kinds for people: ", and Deployment
// (apps/v1) objects in default".
func Describe(watches []assertions.Watch) string {
	s := ""
	for _, w := range watches {
		where := "in every namespace"
		if w.Namespace != "" {
			where = "in " + w.Namespace
		}
		s += fmt.Sprintf(", %s (%s) objects %s", w.GVK.Kind, w.GVK.GroupVersion(), where)
	}
	return s
}
