package faults

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/harness-dev/harness/clusters"
)

// RebootParams are the parameters of the reboot-node fault.
type RebootParams struct {
	Mode  string        `yaml:"mode" doc:"machine (default: shut the node container down with systemd's stop signal and boot it after the duration), kubelet or containerd (stop that service inside the node for the duration)"`
	Grace time.Duration `yaml:"grace" doc:"machine mode: how long the shutdown may take before the node is killed (default 30s)"`
}

var rebootModes = []string{"machine", "kubelet", "containerd"}

var rebootSpec = Spec{
	Type: "reboot-node",
	Doc: "power a node off and on again like a machine (its containers, routes and tmpfs are gone, " +
		"systemd boots it), or stop its kubelet or containerd; the duration is the downtime",
	NeedsDuration: true,
	NewParams:     func() any { return &RebootParams{} },
	New:           newReboot,
}

type reboot struct {
	c     Common
	p     RebootParams
	nodes []clusters.Node
}

func newReboot(c Common, params any) (Fault, error) {
	p := *params.(*RebootParams)
	if p.Mode == "" {
		p.Mode = "machine"
	}
	if !slices.Contains(rebootModes, p.Mode) {
		return nil, fmt.Errorf("params.mode: unknown mode %q; valid: %s", p.Mode, strings.Join(rebootModes, ", "))
	}
	if p.Grace < 0 {
		return nil, fmt.Errorf("params.grace: %s is negative; expected a duration such as 30s", p.Grace)
	}
	if p.Grace == 0 {
		p.Grace = 30 * time.Second
	}
	if c.Target.Component != "" || c.Target.Selector != "" || c.Target.Process != "" {
		return nil, fmt.Errorf("target: reboot-node takes node (a name or a role); not component, selector or process")
	}
	return &reboot{c: c, p: p}, nil
}

// Plan resolves the nodes; the revert boots them again (machine mode) or
// starts the stopped service.
func (f *reboot) Plan(ctx context.Context, env Env) (Revert, error) {
	nodes, err := f.c.Target.Nodes(env.Cluster, "control-plane")
	if err != nil {
		return Revert{}, err
	}
	f.nodes = nodes
	rev := Revert{Fault: f.c.Name, Type: rebootSpec.Type}
	for _, n := range nodes {
		if f.p.Mode == "machine" {
			if _, ok := n.(clusters.PowerCycler); !ok {
				return Revert{}, fmt.Errorf("node %s cannot be powered off by its provider; use mode kubelet or containerd", n.Name())
			}
			rev.Steps = append(rev.Steps, Step{Node: n.Name(), Action: ActionStartNode})
			continue
		}
		rev.Steps = append(rev.Steps, Step{Node: n.Name(), Argv: []string{"systemctl", "start", f.p.Mode}})
	}
	return rev, nil
}

// Inject powers the nodes off, or stops the service.
func (f *reboot) Inject(ctx context.Context, env Env) error {
	for _, n := range f.nodes {
		var err error
		if f.p.Mode == "machine" {
			err = n.(clusters.PowerCycler).Stop(ctx, f.p.Grace)
		} else {
			_, err = n.Exec(ctx, nil, "systemctl", "stop", f.p.Mode)
		}
		if err != nil {
			return fmt.Errorf("reboot-node %s: %w", n.Name(), err)
		}
	}
	return nil
}
