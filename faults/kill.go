package faults

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/harness-dev/harness/clusters"
)

// KillParams are the parameters of the kill fault.
type KillParams struct {
	Signal string `yaml:"signal" doc:"signal to send: KILL (default), TERM, INT, HUP, QUIT, USR1, USR2"`
}

var killSignals = []string{"KILL", "TERM", "INT", "HUP", "QUIT", "USR1", "USR2"}

var killSpec = Spec{
	Type:      "kill",
	Doc:       "send a signal to a control-plane component, a Pod's container, or a process inside it (done inside the node, so static pods really die)",
	NewParams: func() any { return &KillParams{} },
	New:       newKill,
}

type kill struct {
	c      Common
	signal string
}

func newKill(c Common, params any) (Fault, error) {
	p := params.(*KillParams)
	sig := strings.TrimPrefix(strings.ToUpper(p.Signal), "SIG")
	if sig == "" {
		sig = "KILL"
	}
	if !slices.Contains(killSignals, sig) {
		return nil, fmt.Errorf("params.signal: unknown signal %q; valid: %s", p.Signal, strings.Join(killSignals, ", "))
	}
	if err := validatePodOrComponent(c.Target); err != nil {
		return nil, err
	}
	return &kill{c: c, signal: sig}, nil
}

// validatePodOrComponent checks a target that is either a control-plane
// component or Pods chosen by namespace and selector.
func validatePodOrComponent(t Target) error {
	switch {
	case t.Component != "" && t.Selector != "":
		return fmt.Errorf("target: set either component or namespace+selector, not both")
	case t.Component != "":
		return validComponent(t.Component)
	case t.Selector != "" && t.Namespace != "":
		return nil
	}
	return fmt.Errorf("target: want component (one of %s) or namespace and selector", strings.Join(clusters.Components, ", "))
}

// Plan returns an empty revert: a signal cannot be taken back; recovering
// is the system's job.
func (k *kill) Plan(ctx context.Context, env Env) (Revert, error) {
	return Revert{Fault: k.c.Name, Type: killSpec.Type}, nil
}

// Inject sends the signal inside the node(s).
func (k *kill) Inject(ctx context.Context, env Env) error {
	if k.c.Target.Component != "" {
		nodes, err := k.c.Target.Nodes(env.Cluster, "control-plane")
		if err != nil {
			return err
		}
		for _, n := range nodes {
			script := killByNameScript(k.signal, k.c.Target.Component)
			if _, err := n.Exec(ctx, nil, "sh", "-c", script); err != nil {
				return fmt.Errorf("kill %s: %w", k.c.Target.Component, err)
			}
		}
		return nil
	}
	pcs, err := k.c.Target.PodContainers(ctx, env)
	if err != nil {
		return err
	}
	for _, pc := range pcs {
		script := killContainerScript(k.signal, pc.ContainerID, k.c.Target.Process)
		if _, err := pc.Node.Exec(ctx, nil, "sh", "-c", script); err != nil {
			return fmt.Errorf("kill in pod %s: %w", pc.Pod, err)
		}
	}
	return nil
}

// findByNameScript sets $pids to the processes whose executable (or, for
// interpreters, whose comm) is named name; /proc/PID/comm alone is cut at 15
// characters. With a non-empty pidns, only processes in that PID namespace.
func findByNameScript(name, pidns string) string {
	filter := ""
	if pidns != "" {
		filter = fmt.Sprintf(`[ "$(readlink $p/ns/pid 2>/dev/null)" = "%s" ] || continue; `, pidns)
	}
	return fmt.Sprintf(`pids=""; for p in /proc/[0-9]*; do %s`+
		`e=$(readlink $p/exe 2>/dev/null) || continue; `+
		`if [ "${e##*/}" = %q ] || [ "$(cat $p/comm 2>/dev/null)" = %q ]; then pids="$pids ${p#/proc/}"; fi; done; `,
		filter, name, name)
}

// killByNameScript kills every process of the node named name, and fails
// when there is none.
func killByNameScript(signal, name string) string {
	return findByNameScript(name, "") +
		fmt.Sprintf(`[ -n "$pids" ] || { echo "no process named %s"; exit 1; }; kill -s %s $pids && echo $pids`, name, signal)
}

// killContainerScript signals the main process of a container or, when
// process is set, the processes with that name in the container's PID
// namespace.
func killContainerScript(signal, containerID, process string) string {
	find := fmt.Sprintf(`pid=$(%s); [ -n "$pid" ] || { echo "container %s has no running task"; exit 1; }; `,
		containerPIDScript(containerID), containerID)
	if process == "" {
		return find + fmt.Sprintf(`kill -s %s $pid && echo $pid`, signal)
	}
	return find + `ns=$(readlink /proc/$pid/ns/pid); ` + findByNameScript(process, "$ns") +
		fmt.Sprintf(`[ -n "$pids" ] || { echo "no process named %s in container %s"; exit 1; }; kill -s %s $pids && echo $pids`,
			process, containerID, signal)
}
