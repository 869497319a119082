package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// health holds what the probes report.
type health struct {
	live, ready atomic.Bool
}

func newHealth() *health {
	h := &health{}
	h.live.Store(true)
	return h
}

func (h *health) serve(ctx context.Context, addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", probe(&h.live))
	mux.HandleFunc("/readyz", probe(&h.ready))
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.ListenAndServe(); err != nil && ctx.Err() == nil {
		log.Error("health server stopped", "err", err)
	}
}

func probe(b *atomic.Bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if !b.Load() {
			http.Error(w, "not ok", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	}
}

// backoff sleeps for the current delay and doubles it up to max; it returns
// false when ctx ends.
type backoff struct{ delay, max time.Duration }

func (b *backoff) wait(ctx context.Context) bool {
	t := time.NewTimer(b.delay)
	defer t.Stop()
	b.delay = min(2*b.delay, b.max)
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
