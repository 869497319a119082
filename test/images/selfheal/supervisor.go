package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// supervisor is the Pod's main process: it runs a leader-elected controller
// as a child process (vcluster's syncer and controller-manager). The child
// exits when it loses its lease. bug: the parent keeps running and nothing
// notices; fixed: the liveness probe reports the child's death, so the
// kubelet restarts the container.
func supervisor(ctx context.Context, e env) error {
	child := exec.CommandContext(ctx, "/proc/self/exe", "--mode", "supervisor-child", "--variant", variant(e))
	child.Stdout, child.Stderr = os.Stdout, os.Stderr
	if err := child.Start(); err != nil {
		return fmt.Errorf("start controller child: %w", err)
	}
	e.health.ready.Store(true)
	err := child.Wait()
	if ctx.Err() != nil {
		return nil
	}
	e.log.Warn("controller child exited", "err", err)
	if !e.bug {
		e.health.live.Store(false) // the kubelet restarts the container
		e.health.ready.Store(false)
	}
	<-ctx.Done()
	return nil
}

// supervisorChild is the leader-elected controller: it exits when it loses
// its lease.
func supervisorChild(ctx context.Context, e env) error {
	elect(ctx, e, "selfheal-supervisor", func(ctx context.Context) {
		e.log.Info("controller leading")
		<-ctx.Done()
	}, func() {
		e.log.Warn("controller lost its lease, exiting")
		os.Exit(1)
	})
	return nil
}

// elect runs leader election on the Lease name in the Pod's namespace with
// kube-controller-manager's timings.
func elect(ctx context.Context, e env, name string, lead func(context.Context), lost func()) {
	e.log.Info("waiting for leader lease", "lease", e.namespace+"/"+name)
	leaderelection.RunOrDie(ctx, leaderelection.LeaderElectionConfig{
		Lock: &resourcelock.LeaseLock{
			LeaseMeta:  metav1.ObjectMeta{Namespace: e.namespace, Name: name},
			Client:     e.client.CoordinationV1(),
			LockConfig: resourcelock.ResourceLockConfig{Identity: fmt.Sprintf("%s_%d", e.pod, time.Now().UnixNano())},
		},
		LeaseDuration: 15 * time.Second,
		RenewDeadline: 10 * time.Second,
		RetryPeriod:   2 * time.Second,
		Callbacks:     leaderelection.LeaderCallbacks{OnStartedLeading: lead, OnStoppedLeading: lost},
	})
}

func variant(e env) string {
	if e.bug {
		return "bug"
	}
	return "fixed"
}
