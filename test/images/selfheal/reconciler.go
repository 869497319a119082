package main

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
)

// reconcileLabel marks the ConfigMaps the reconciler mode reconciles.
const reconcileLabel = "selfheal.harness.dev/reconcile"

// reconciler is a leader-elected controller that keeps, for every
// ConfigMap of its namespace labelled selfheal.harness.dev/reconcile,
// data.observed equal to data.desired (a controller-manager's loop). When
// it loses its lease (its apiserver connection broke for longer than the
// renew deadline) it stops its controllers and runs for the lease again.
// bug: it starts its controllers only once, so after winning the lease
// back it holds the lease, answers /healthz and reconciles nothing (the
// kube-controller-manager that "kept /healthz at 200 while doing nothing
// for hours after a failed lease update"); fixed: it starts them again for
// every term.
func reconciler(ctx context.Context, e env) error {
	e.health.ready.Store(true)
	started := false
	for ctx.Err() == nil {
		elect(ctx, e, "selfheal-reconciler", func(ctx context.Context) {
			if e.bug && started {
				e.log.Info("leading again; controllers already started once")
				<-ctx.Done()
				return
			}
			started = true
			e.log.Info("leading; starting the controllers")
			runReconciler(ctx, e)
		}, func() {
			e.log.Warn("lost the lease; stopping the controllers and running for it again")
		})
	}
	return nil
}

// runReconciler reconciles the labelled ConfigMaps until ctx ends.
func runReconciler(ctx context.Context, e env) {
	f := informers.NewSharedInformerFactoryWithOptions(e.client, 30*time.Second, informers.WithNamespace(e.namespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = reconcileLabel }))
	inf := f.Core().V1().ConfigMaps().Informer()
	queue := make(chan string, 1024)
	enqueue := func(obj any) {
		if cm, ok := obj.(*corev1.ConfigMap); ok {
			select {
			case queue <- cm.Name:
			default:
			}
		}
	}
	_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: enqueue, UpdateFunc: func(_, n any) { enqueue(n) }})
	f.Start(ctx.Done())
	defer f.Shutdown()
	cache.WaitForCacheSync(ctx.Done(), inf.HasSynced)
	for {
		select {
		case <-ctx.Done():
			return
		case name := <-queue:
			if err := reconcileConfigMap(ctx, e, name); err != nil {
				e.log.Warn("reconcile failed, retrying", "configmap", name, "err", err)
				go func() {
					time.Sleep(time.Second)
					enqueue(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}})
				}()
			}
		}
	}
}

func reconcileConfigMap(ctx context.Context, e env, name string) error {
	cm, err := e.client.CoreV1().ConfigMaps(e.namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	desired := cm.Data["desired"]
	if cm.Data["observed"] == desired {
		return nil
	}
	patch := fmt.Sprintf(`{"data":{"observed":%q}}`, desired)
	_, err = e.client.CoreV1().ConfigMaps(e.namespace).Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
	if err == nil {
		e.log.Info("reconciled", "configmap", name, "observed", desired)
	}
	return err
}
