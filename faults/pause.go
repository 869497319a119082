package faults

import (
	"context"
	"fmt"
)

var pauseSpec = Spec{
	Type: "pause",
	Doc: "stop a control-plane component, a Pod's container, or a process inside it with SIGSTOP for the duration, " +
		"then SIGCONT: a hung process, not a dead one",
	NeedsDuration: true,
	New:           newPause,
}

type pause struct {
	c Common
	// containers are resolved by Plan for Pod targets.
	containers []PodContainer
}

func newPause(c Common, _ any) (Fault, error) {
	if err := validatePodOrComponent(c.Target); err != nil {
		return nil, err
	}
	return &pause{c: c}, nil
}

// Plan resolves the target and returns SIGCONT for the same processes; a
// process that is gone by then needs nothing.
func (f *pause) Plan(ctx context.Context, env Env) (Revert, error) {
	rev := Revert{Fault: f.c.Name, Type: pauseSpec.Type}
	if f.c.Target.Component != "" {
		nodes, err := f.c.Target.Nodes(env.Cluster, "control-plane")
		if err != nil {
			return Revert{}, err
		}
		for _, n := range nodes {
			script := findByNameScript(f.c.Target.Component, "") + `[ -z "$pids" ] || kill -s CONT $pids; true`
			rev.Steps = append(rev.Steps, Step{Node: n.Name(), Argv: []string{"sh", "-c", script}})
		}
		return rev, nil
	}
	pcs, err := f.c.Target.PodContainers(ctx, env)
	if err != nil {
		return Revert{}, err
	}
	f.containers = pcs
	for _, pc := range pcs {
		script := "(" + killContainerScript("CONT", pc.ContainerID, f.c.Target.Process) + ") >/dev/null 2>&1; true"
		rev.Steps = append(rev.Steps, Step{Node: pc.Node.Name(), Argv: []string{"sh", "-c", script}})
	}
	return rev, nil
}

// Inject sends SIGSTOP.
func (f *pause) Inject(ctx context.Context, env Env) error {
	if f.c.Target.Component != "" {
		nodes, err := f.c.Target.Nodes(env.Cluster, "control-plane")
		if err != nil {
			return err
		}
		for _, n := range nodes {
			if _, err := n.Exec(ctx, nil, "sh", "-c", killByNameScript("STOP", f.c.Target.Component)); err != nil {
				return fmt.Errorf("pause %s: %w", f.c.Target.Component, err)
			}
		}
		return nil
	}
	for _, pc := range f.containers {
		if _, err := pc.Node.Exec(ctx, nil, "sh", "-c", killContainerScript("STOP", pc.ContainerID, f.c.Target.Process)); err != nil {
			return fmt.Errorf("pause in pod %s: %w", pc.Pod, err)
		}
	}
	return nil
}
