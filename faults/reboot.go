package faults

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
)

// RebootParams are the parameters of the reboot-node fault.
type RebootParams struct {
	Mode  string        `yaml:"mode" doc:"machine (default: shut the node container down with systemd's stop signal and boot it after the duration), kubelet or containerd (stop that service inside the node for the duration)"`
	Grace time.Duration `yaml:"grace" doc:"machine mode: how long the shutdown may take before the node is killed (default 30s, at most 10m)"`
}

var rebootModes = []string{"machine", "kubelet", "containerd"}

var rebootSpec = Spec{
	Type: "reboot-node",
	Doc: "power a node off and on again like a machine (its containers, routes and tmpfs are gone, " +
		"systemd boots it), or stop its kubelet or containerd; the duration is the downtime",
	NeedsDuration: true,
	Targets:       TargetNode,
	NewParams:     func() any { return &RebootParams{} },
	New:           newReboot,
}

type reboot struct {
	c     Common
	p     RebootParams
	nodes []clusters.Node
}

func newReboot(c Common, params any) (Fault, field.ErrorList) {
	p := *params.(*RebootParams)
	path := field.NewPath("params")
	if p.Mode == "" {
		p.Mode = "machine"
	}
	if !slices.Contains(rebootModes, p.Mode) {
		return nil, field.ErrorList{field.NotSupported(path.Child("mode"), p.Mode, rebootModes)}
	}
	if p.Grace < 0 || p.Grace > 10*time.Minute {
		return nil, field.ErrorList{field.Invalid(path.Child("grace"), p.Grace.String(), "expected a duration from 0 to 10m, such as 30s")}
	}
	if p.Grace == 0 {
		p.Grace = 30 * time.Second
	}
	return &reboot{c: c, p: p}, nil
}

// Plan resolves the nodes; the revert boots them again (machine mode) or
// starts the stopped service.
func (f *reboot) Plan(ctx context.Context, env Env) (Revert, error) {
	nodes, err := f.c.Target.nodes(ctx, env)
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

// Evidence: the nodes are powered off (their containers stopped), or the
// stopped service is inactive, at the end of the window.
func (f *reboot) Evidence(ctx context.Context, env Env) Evidence {
	var seen []string
	for _, n := range f.nodes {
		if f.p.Mode == "machine" {
			running, _, err := n.(clusters.PowerCycler).Running(ctx)
			switch {
			case err != nil:
				return missing("node %s: %v", n.Name(), err)
			case running:
				return missing("node %s still runs at the end of the window", n.Name())
			}
			seen = append(seen, "node "+n.Name()+" powered off")
			continue
		}
		out, _ := n.Exec(ctx, nil, "systemctl", "is-active", "--", f.p.Mode)
		if state := strings.TrimSpace(string(out)); state == "active" || state == "activating" {
			return missing("%s of node %s is %s at the end of the window", f.p.Mode, n.Name(), state)
		}
		seen = append(seen, f.p.Mode+" of node "+n.Name()+" inactive")
	}
	return took("%s at the end of the window", strings.Join(seen, ", "))
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
