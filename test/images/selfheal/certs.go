package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// certs needs its TLS backend (the apiserver) at start and all the time
// (KubeSphere after a reboot with expired certificates). It is Ready while
// the backend answers over verified TLS. bug: a failed start is fatal (so the
// kubelet's crash-loop back-off decides when it comes back) and a
// certificate error is taken as permanent: it stops trying and is never
// Ready again; fixed: it retries with backoff and becomes Ready as soon as
// the backend's certificates verify again.
func certs(ctx context.Context, e env) error {
	if err := checkBackend(ctx, e); err != nil && e.bug {
		return fmt.Errorf("backend unavailable at start: %w", err)
	}
	b := backoff{delay: time.Second, max: 8 * time.Second}
	for {
		err := checkBackend(ctx, e)
		e.health.ready.Store(err == nil)
		var certErr x509.CertificateInvalidError
		switch {
		case err == nil:
			b.delay = time.Second
		case e.bug && errors.As(err, &certErr):
			e.log.Error("backend certificate invalid; giving up on the backend", "err", err)
			<-ctx.Done()
			return nil
		default:
			e.log.Warn("backend check failed, retrying", "err", err, "in", b.delay)
		}
		if !b.wait(ctx) {
			return nil
		}
	}
}

func checkBackend(ctx context.Context, e env) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return e.client.Discovery().RESTClient().Get().AbsPath("/readyz").Do(ctx).Error()
}
