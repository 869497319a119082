package faults

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// KillParams are the parameters of the kill fault.
type KillParams struct {
	Signal string `yaml:"signal" doc:"signal to send: KILL (default), TERM, INT, HUP, QUIT, USR1, USR2"`
}

var killSignals = []string{"KILL", "TERM", "INT", "HUP", "QUIT", "USR1", "USR2"}

var killSpec = Spec{
	Type:      "kill",
	Doc:       "send a signal to a control-plane component, a Pod's container, or a process inside it (done inside the node, so static pods really die)",
	Targets:   TargetNode | TargetComponent | TargetPods | TargetContainer | TargetProcess | WorkloadRequired,
	NewParams: func() any { return &KillParams{} },
	New:       newKill,
}

type kill struct {
	c      Common
	signal string
	steps  []Step // resolved by Plan
	sent   signalled
}

func newKill(c Common, params any) (Fault, field.ErrorList) {
	sig, errs := signalParam(params.(*KillParams).Signal)
	if errs != nil {
		return nil, errs
	}
	return &kill{c: c, signal: sig}, nil
}

// signalParam validates a signal name (with or without SIG); empty is KILL.
func signalParam(s string) (string, field.ErrorList) {
	sig := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	if sig == "" {
		return "KILL", nil
	}
	for _, k := range killSignals {
		if k == sig {
			return sig, nil
		}
	}
	return "", field.ErrorList{field.NotSupported(field.NewPath("params", "signal"), s, killSignals)}
}

// Plan resolves the processes' nodes (or the Pods' containers) and notes
// the containers as they are; the revert is empty: a signal cannot be taken
// back, recovering is the system's job.
func (k *kill) Plan(ctx context.Context, env Env) (Revert, error) {
	steps, err := signalSteps(ctx, env, k.c.Target, k.signal, false)
	if err != nil {
		return Revert{}, err
	}
	k.steps = steps
	if k.c.Target.Process == "" {
		if k.sent.before, err = containerStates(ctx, env, k.c.Target); err != nil {
			return Revert{}, err
		}
	}
	return Revert{Fault: k.c.Name, Type: killSpec.Type}, nil
}

// Inject sends the signal inside the node(s); it fails when no process
// matches, and notes the PIDs signalled.
func (k *kill) Inject(ctx context.Context, env Env) error {
	k.sent.at, k.sent.pids = time.Now(), map[string][]string{}
	for _, s := range k.steps {
		n := env.Cluster.Node(s.Node)
		if n == nil {
			return fmt.Errorf("kill %s: node %s is gone", k.c.Target, s.Node)
		}
		out, err := n.Exec(ctx, nil, s.Argv...)
		if err != nil {
			return fmt.Errorf("kill %s: %w", k.c.Target, err)
		}
		k.sent.pids[s.Node] = append(k.sent.pids[s.Node], pidsOf(out)...)
	}
	return nil
}

// Evidence: the signalled processes are gone and the container ended.
func (k *kill) Evidence(ctx context.Context, env Env) Evidence {
	return killEvidence(ctx, env, k.c.Target, k.sent)
}

// signalSteps are the commands that send sig to a target: every process of
// a component by name, or the main process (or the named process) of each
// chosen Pod's container. With ifAny, a target that is gone is no error
// (reverts).
func signalSteps(ctx context.Context, env Env, t Target, sig string, ifAny bool) ([]Step, error) {
	var out []Step
	if t.Component != "" {
		nodes, err := t.nodes(ctx, env)
		if err != nil {
			return nil, err
		}
		text := signalByName
		if ifAny {
			text = signalByNameIfAny
		}
		for _, n := range nodes {
			out = append(out, Step{Node: n.Name(), Argv: script(text, sig, t.Component)})
		}
		return out, nil
	}
	pcs, err := t.PodContainers(ctx, env)
	if err != nil {
		return nil, err
	}
	text := signalContainer
	if ifAny {
		text = signalContainerIfAny
	}
	for _, pc := range pcs {
		out = append(out, Step{Node: pc.Node.Name(), Argv: script(text, sig, pc.ContainerID, t.Process)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("nothing to signal for %s", t)
	}
	return out, nil
}
