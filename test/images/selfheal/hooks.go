package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// hookSteps is how many startup hooks the agent runs, one every hookPeriod.
const (
	hookSteps  = 20
	hookPeriod = 1500 * time.Millisecond
)

// hooks is a node agent that runs startup hooks calling the apiserver
// (RKE2's agent while the etcd and kube-apiserver static pods are rebuilt).
// bug: a transient error of a hook is fatal and the agent exits; fixed: it
// retries with backoff and completes. Ready once the hooks are done.
func hooks(ctx context.Context, e env) error {
	e.log.Info("running startup hooks", "hooks", hookSteps)
	for i := 1; i <= hookSteps; i++ {
		b := backoff{delay: 500 * time.Millisecond, max: 8 * time.Second}
		for {
			err := runHook(ctx, e, i)
			if err == nil {
				break
			}
			if e.bug {
				return fmt.Errorf("startup hook %d: %w", i, err)
			}
			e.log.Warn("startup hook failed, retrying", "hook", i, "err", err, "in", b.delay)
			if !b.wait(ctx) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(hookPeriod):
		}
	}
	e.log.Info("startup hooks complete")
	e.health.ready.Store(true)
	<-ctx.Done()
	return nil
}

// runHook records hook i in the ConfigMap selfheal-hooks.
func runHook(ctx context.Context, e env, i int) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cms := e.client.CoreV1().ConfigMaps(e.namespace)
	cm, err := cms.Get(ctx, "selfheal-hooks", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		cm = &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "selfheal-hooks"}}
		cm, err = cms.Create(ctx, cm, metav1.CreateOptions{})
	}
	if err != nil {
		return err
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data["hook"] = strconv.Itoa(i)
	_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
	return err
}
