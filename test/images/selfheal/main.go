// Command selfheal is the component under test of the qualification suite:
// one small controller with a mode per documented self-healing failure, each
// in a `bug` variant that reproduces the failure and a `fixed` variant that
// heals. It serves /healthz (liveness) and /readyz (readiness) on :8080.
//
//	selfheal --mode supervisor|certs|discovery|hooks|dataplane|reconciler --variant bug|fixed
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// env is what every mode gets.
type env struct {
	client    kubernetes.Interface
	config    *rest.Config
	bug       bool
	namespace string
	pod       string
	health    *health
	log       *slog.Logger
}

var modes = map[string]func(context.Context, env) error{
	"supervisor":       supervisor,
	"supervisor-child": supervisorChild,
	"certs":            certs,
	"discovery":        discovery,
	"hooks":            hooks,
	"dataplane":        dataplane,
	"reconciler":       reconciler,
}

func main() {
	mode := flag.String("mode", "", "supervisor, certs, discovery, hooks, dataplane or reconciler")
	variant := flag.String("variant", "fixed", "bug (reproduces the failure) or fixed")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stdout, nil)).With("mode", *mode, "variant", *variant)
	run, ok := modes[*mode]
	if !ok || (*variant != "bug" && *variant != "fixed") {
		fmt.Fprintln(os.Stderr, "usage: selfheal --mode supervisor|certs|discovery|hooks|dataplane|reconciler --variant bug|fixed")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	e, err := newEnv(*variant == "bug", log)
	if err != nil {
		log.Error("no in-cluster configuration", "err", err)
		os.Exit(1)
	}
	if *mode != "supervisor-child" {
		go e.health.serve(ctx, ":8080", log)
	}
	if err := run(ctx, e); err != nil && ctx.Err() == nil {
		log.Error("fatal", "err", err)
		os.Exit(1)
	}
}

func newEnv(bug bool, log *slog.Logger) (env, error) {
	cfg, err := rest.InClusterConfig()
	if err != nil {
		return env{}, err
	}
	cfg.QPS, cfg.Burst = 20, 40
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return env{}, err
	}
	return env{client: client, config: cfg, bug: bug, namespace: os.Getenv("POD_NAMESPACE"),
		pod: os.Getenv("POD_NAME"), health: newHealth(), log: log}, nil
}
