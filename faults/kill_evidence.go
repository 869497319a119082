package faults

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// signalled is what a signal reached: the PIDs by node, and the containers
// as they were before (restart count and ID, by Pod and container name).
type signalled struct {
	at     time.Time
	pids   map[string][]string // node -> PIDs
	before map[string]containerState
}

type containerState struct {
	restarts int32
	id       string
}

// containerStates snapshots the containers of the target's Pods (the
// target's container, or every container when none is named).
func containerStates(ctx context.Context, env Env, t Target) (map[string]containerState, error) {
	ns, sel := t.Workload().PodSelector()
	pods, err := env.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil, fmt.Errorf("list pods of %s: %w", t.Workload(), err)
	}
	out := map[string]containerState{}
	for _, p := range pods.Items {
		for _, c := range p.Status.ContainerStatuses {
			if t.Container == "" || c.Name == t.Container {
				out[p.Namespace+"/"+p.Name+"/"+c.Name] = containerState{restarts: c.RestartCount, id: c.ContainerID}
			}
		}
	}
	return out, nil
}

// restartedSince reports the containers of the target that ended after at
// (terminated, or restarted: a new ID, a higher restart count, or a last
// termination after at), as the kubelets report them.
func restartedSince(ctx context.Context, env Env, t Target, at time.Time, before map[string]containerState) ([]string, error) {
	ns, sel := t.Workload().PodSelector()
	pods, err := env.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range pods.Items {
		for _, c := range p.Status.ContainerStatuses {
			if t.Container != "" && c.Name != t.Container {
				continue
			}
			key := p.Namespace + "/" + p.Name + "/" + c.Name
			if why := ended(c, at, before[key]); why != "" {
				out = append(out, key+" "+why)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// ended says how a container shows it ended after at, or "".
func ended(c corev1.ContainerStatus, at time.Time, was containerState) string {
	since := at.Add(-time.Second) // the kubelet's timestamps have a second's precision
	switch {
	case c.State.Terminated != nil && !c.State.Terminated.FinishedAt.Before(&metav1.Time{Time: since}):
		return "terminated (" + c.State.Terminated.Reason + ")"
	case c.LastTerminationState.Terminated != nil && !c.LastTerminationState.Terminated.FinishedAt.Before(&metav1.Time{Time: since}):
		return fmt.Sprintf("restarted (restarts %d→%d)", was.restarts, c.RestartCount)
	case was.id != "" && c.ContainerID != "" && c.ContainerID != was.id:
		return "replaced by a new container"
	}
	return ""
}

// killEvidence: the signalled processes are gone, and, when the target is
// a container's main process or a component, its container ended and the
// kubelet reports it (terminated or restarted). A process that survives
// its signal (a Go program ignores SIGUSR1; a handler may swallow SIGTERM)
// leaves no evidence.
func killEvidence(ctx context.Context, env Env, t Target, s signalled) Evidence {
	return poll(ctx, func() (Evidence, bool) {
		var alive []string
		var gone int
		for node, pids := range s.pids {
			st, err := states(ctx, env, node, pids)
			if err != nil {
				return missing("could not read the processes of node %s: %v", node, err), false
			}
			for _, pid := range pids {
				if state := st[pid]; state == "gone" || state == "Z" {
					gone++
				} else {
					alive = append(alive, fmt.Sprintf("%s (state %s, node %s)", pid, state, node))
				}
			}
		}
		if len(alive) > 0 {
			return missing("the signalled processes still run: PIDs %s", strings.Join(alive, ", ")), false
		}
		if t.Process != "" {
			return took("%d signalled processes gone", gone), true
		}
		restarted, err := restartedSince(ctx, env, t, s.at, s.before)
		switch {
		case err != nil:
			return missing("%d signalled processes gone, but the containers could not be read: %v", gone, err), false
		case len(restarted) == 0:
			return missing("%d signalled processes gone, but no container of %s is reported ended since the signal", gone, t.Workload()), false
		}
		return took("%d signalled processes gone; %s", gone, strings.Join(restarted, "; ")), true
	})
}
