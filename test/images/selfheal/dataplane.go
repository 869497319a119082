package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// dataplane serves traffic on :8081 (the stand-in for kube-vip's VIP) and
// keeps a heartbeat Lease (selfheal-dataplane) through its apiserver
// connection. bug: when the apiserver is unreachable it stops serving and
// never reconnects; fixed: it keeps serving and reconnects with exponential
// backoff once the apiserver answers again.
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
	b := backoff{delay: 500 * time.Millisecond, max: 8 * time.Second}
	for {
		if err := heartbeat(ctx, e); err != nil {
			if e.bug {
				e.log.Error("lost the apiserver; stopping the data plane", "err", err)
				stopServing()
				<-ctx.Done()
				return nil
			}
			e.log.Warn("apiserver unreachable; serving on, reconnecting", "err", err, "in", b.delay)
			if !b.wait(ctx) {
				return nil
			}
			continue
		}
		b.delay = 500 * time.Millisecond
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(2 * time.Second):
		}
	}
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
