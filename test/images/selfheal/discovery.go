package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
)

// watchedGroupVersion is the API group the discovery mode serves: the
// widgets CRD of scenarios/manifests/widgets-crd.yaml.
const watchedGroupVersion = "harness.dev/v1"

// discovery discovers its API resources, waits for its lease, then starts
// informers (Gardener's resource manager). When a CRD is deleted between
// discovery and leader election, bug starts an informer for a resource that
// no longer exists and blocks forever in WaitForCacheSync (never Ready);
// fixed discovers again after winning the lease and bounds the sync,
// exiting to be restarted when it cannot sync.
func discovery(ctx context.Context, e env) error {
	found := discover(e)
	e.log.Info("discovered resources", "resources", fmt.Sprint(found))
	dyn, err := dynamic.NewForConfig(e.config)
	if err != nil {
		return err
	}
	elect(ctx, e, "selfheal-discovery", func(ctx context.Context) {
		if !e.bug {
			found = discover(e)
			e.log.Info("discovered resources again after winning the lease", "resources", fmt.Sprint(found))
		}
		f := dynamicinformer.NewDynamicSharedInformerFactory(dyn, 0)
		var synced []cache.InformerSynced
		for _, gvr := range found {
			synced = append(synced, f.ForResource(gvr).Informer().HasSynced)
		}
		f.Start(ctx.Done())
		syncCtx := ctx
		if !e.bug {
			var cancel context.CancelFunc
			syncCtx, cancel = context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
		}
		e.log.Info("waiting for informer caches to sync")
		if !cache.WaitForCacheSync(syncCtx.Done(), synced...) {
			if ctx.Err() == nil {
				e.log.Error("informer caches did not sync in 30s, exiting to start over")
				os.Exit(1)
			}
			return
		}
		e.log.Info("informer caches synced")
		e.health.ready.Store(true)
		<-ctx.Done()
	}, func() {
		e.log.Warn("lost the lease, exiting")
		os.Exit(1)
	})
	return nil
}

// discover lists the resources of watchedGroupVersion; a missing group is
// an empty list.
func discover(e env) []schema.GroupVersionResource {
	gv := schema.GroupVersion{Group: "harness.dev", Version: "v1"}
	list, err := e.client.Discovery().ServerResourcesForGroupVersion(watchedGroupVersion)
	if err != nil {
		e.log.Info("group not served", "groupVersion", watchedGroupVersion, "err", err)
		return nil
	}
	var out []schema.GroupVersionResource
	for _, r := range list.APIResources {
		out = append(out, gv.WithResource(r.Name))
	}
	return out
}
