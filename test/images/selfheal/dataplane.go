package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// dataService is the Service whose status the data plane announces itself
// in (scenarios/manifests/selfheal-dataplane-service.yaml).
const dataService = "selfheal-data"

// dataplane serves traffic on :8081 (the stand-in for kube-vip's VIP),
// keeps a heartbeat Lease (selfheal-dataplane) and, every 2s while it
// serves, writes its Service's status (a condition Announced), as kube-vip
// writes its Service's status for the VIP it holds. The mechanism of the
// real bug: one refused or failed status write. bug: it releases the VIP
// (stops serving) and never retries, while its process, readiness and
// Lease stay fine; fixed: it keeps serving and retries the write with
// backoff. An unreachable apiserver is retried by both variants (the real
// component steps down and comes back within a second of the cut's end).
func dataplane(ctx context.Context, e env) error {
	ln, err := net.Listen("tcp", ":8081")
	if err != nil {
		return err
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("served\n"))
	})}
	var stop sync.Once
	stopServing := func() { stop.Do(func() { _ = srv.Close() }) }
	go func() { <-ctx.Done(); stopServing() }()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.log.Error("data plane stopped", "err", err)
		}
	}()
	e.health.ready.Store(true)
	serving := true
	b := backoff{delay: 500 * time.Millisecond, max: 8 * time.Second}
	for {
		if err := heartbeat(ctx, e); err != nil {
			e.log.Warn("heartbeat failed; retrying", "err", err)
		}
		if serving {
			if err := announce(ctx, e); err != nil {
				if e.bug {
					e.log.Error("status update failed; releasing the VIP", "err", err)
					stopServing()
					serving = false // and never again: the bug
				} else {
					e.log.Warn("status update failed; serving on, retrying", "err", err, "in", b.delay)
					if !b.wait(ctx) {
						return nil
					}
					continue
				}
			} else {
				b.delay = 500 * time.Millisecond
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(2 * time.Second):
		}
	}
}

// announce writes the condition Announced to the status of the data
// plane's Service (the services/status subresource, a merge patch).
func announce(ctx context.Context, e env) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	now := time.Now().UTC().Format(time.RFC3339)
	patch := fmt.Sprintf(`{"status":{"conditions":[{"type":"Announced","status":"True","reason":"Serving",`+
		`"message":"served by %s","lastTransitionTime":%q}]}}`, e.pod, now)
	_, err := e.client.CoreV1().Services(e.namespace).Patch(ctx, dataService, types.MergePatchType, []byte(patch),
		metav1.PatchOptions{}, "status")
	return err
}

// heartbeat renews the Lease selfheal-dataplane, creating it when missing.
func heartbeat(ctx context.Context, e env) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	leases := e.client.CoordinationV1().Leases(e.namespace)
	now := metav1.NewMicroTime(time.Now())
	l, err := leases.Get(ctx, "selfheal-dataplane", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		secs := int32(10)
		l = &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "selfheal-dataplane"},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: &e.pod, LeaseDurationSeconds: &secs, AcquireTime: &now}}
		_, err = leases.Create(ctx, l, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	l.Spec.HolderIdentity, l.Spec.RenewTime = &e.pod, &now
	_, err = leases.Update(ctx, l, metav1.UpdateOptions{})
	return err
}
