package faults

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

var pauseSpec = Spec{
	Type: "pause",
	Doc: "stop a control-plane component, a Pod's container, or a process inside it with SIGSTOP for the duration, " +
		"then SIGCONT: a hung process, not a dead one",
	NeedsDuration: true,
	Targets:       TargetNode | TargetComponent | TargetPods | TargetContainer | TargetProcess | WorkloadRequired,
	New: func(c Common, _ any) (Fault, field.ErrorList) {
		return &pause{c: c}, nil
	},
}

type pause struct {
	c     Common
	steps []Step              // SIGSTOP, resolved by Plan
	pids  map[string][]string // node -> PIDs stopped
}

// Plan resolves the target; the revert sends SIGCONT to the same processes
// (by name, or by container), and a process that is gone by then needs
// nothing.
func (f *pause) Plan(ctx context.Context, env Env) (Revert, error) {
	stop, err := signalSteps(ctx, env, f.c.Target, "STOP", false)
	if err != nil {
		return Revert{}, err
	}
	cont, err := signalSteps(ctx, env, f.c.Target, "CONT", true)
	if err != nil {
		return Revert{}, err
	}
	f.steps = stop
	return Revert{Fault: f.c.Name, Type: pauseSpec.Type, Steps: cont}, nil
}

// Inject sends SIGSTOP and notes the PIDs stopped.
func (f *pause) Inject(ctx context.Context, env Env) error {
	f.pids = map[string][]string{}
	for _, s := range f.steps {
		n := env.Cluster.Node(s.Node)
		if n == nil {
			return fmt.Errorf("pause %s: node %s is gone", f.c.Target, s.Node)
		}
		out, err := n.Exec(ctx, nil, s.Argv...)
		if err != nil {
			return fmt.Errorf("pause %s: %w", f.c.Target, err)
		}
		f.pids[s.Node] = append(f.pids[s.Node], pidsOf(out)...)
	}
	return nil
}

// Evidence: every stopped process is in state T (stopped) at the end of the
// window, before SIGCONT.
func (f *pause) Evidence(ctx context.Context, env Env) Evidence {
	var stopped, other []string
	for node, pids := range f.pids {
		st, err := states(ctx, env, node, pids)
		if err != nil {
			return missing("could not read the processes of node %s: %v", node, err)
		}
		for _, pid := range pids {
			if st[pid] == "T" || st[pid] == "t" {
				stopped = append(stopped, pid)
			} else {
				other = append(other, fmt.Sprintf("%s (state %s)", pid, st[pid]))
			}
		}
	}
	if len(stopped) == 0 || len(other) > 0 {
		return missing("not every paused process is stopped at the end of the window: %s", strings.Join(other, ", "))
	}
	return took("PIDs %s in state T (stopped) at the end of the window", strings.Join(stopped, " "))
}
