package faults

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// NetworkParams are the parameters of the network fault.
type NetworkParams struct {
	Mode    string        `yaml:"mode" doc:"latency (tc netem), loss (random drop), bandwidth (tc tbf) on the egress of a node's or Pod's eth0; partition or loss for one component's connections only (target.component)"`
	Delay   time.Duration `yaml:"delay" doc:"latency: added delay, e.g. 200ms"`
	Jitter  time.Duration `yaml:"jitter" doc:"latency: delay variation (optional)"`
	Percent float64       `yaml:"percent" doc:"loss: percentage of packets dropped, above 0 and up to 100"`
	Rate    string        `yaml:"rate" doc:"bandwidth: tc rate, e.g. 1mbit or 500kbit"`
	Port    int           `yaml:"port" doc:"only traffic to this TCP port (loss and partition; default: all traffic for loss, 6443 for partition)"`
}

var networkModes = []string{"latency", "loss", "bandwidth", "partition"}

var networkSpec = Spec{
	Type: "network",
	Doc: "degrade a node's or Pod's network (latency, loss, bandwidth), or cut or degrade only one control-plane " +
		"component's connections (partition, loss) although it shares the node's network, by matching its sockets' net_cls class",
	NeedsDuration: true,
	NewParams:     func() any { return &NetworkParams{} },
	New:           newNetwork,
}

type network struct {
	c Common
	p NetworkParams
	// steps inject, by node; resolved by Plan.
	inject []Step
}

func newNetwork(c Common, params any) (Fault, error) {
	p := *params.(*NetworkParams)
	if !slices.Contains(networkModes, p.Mode) {
		return nil, fmt.Errorf("params.mode: unknown mode %q; valid: %s", p.Mode, strings.Join(networkModes, ", "))
	}
	if err := p.check(c.Target); err != nil {
		return nil, err
	}
	if c.Target.Process != "" || c.Target.Container != "" {
		return nil, fmt.Errorf("target: network takes node, component, or namespace+selector; not process or container")
	}
	if (c.Target.Selector == "") != (c.Target.Namespace == "") {
		return nil, fmt.Errorf("target: namespace and selector go together")
	}
	if c.Target.Component != "" {
		if err := validComponent(c.Target.Component); err != nil {
			return nil, err
		}
	}
	if p.Mode == "partition" && p.Port == 0 {
		p.Port = 6443
	}
	return &network{c: c, p: p}, nil
}

// check validates the parameters of the mode.
func (p NetworkParams) check(t Target) error {
	if p.Port < 0 || p.Port > 65535 {
		return fmt.Errorf("params.port: %d is not a TCP port (1-65535)", p.Port)
	}
	switch p.Mode {
	case "latency":
		if p.Delay <= 0 || p.Jitter < 0 {
			return fmt.Errorf("params.delay: latency needs a delay above zero, such as 200ms (and a jitter of zero or more)")
		}
	case "loss":
		if p.Percent <= 0 || p.Percent > 100 {
			return fmt.Errorf("params.percent: %v is not a loss percentage; expected above 0 and up to 100", p.Percent)
		}
	case "bandwidth":
		if !validRate(p.Rate) {
			return fmt.Errorf("params.rate: %q is not a tc rate; expected a number and a unit: bit, kbit, mbit, gbit", p.Rate)
		}
	case "partition":
		if t.Component == "" {
			return fmt.Errorf("target.component: partition of one edge needs a component; for a whole node or Pod use the partition fault")
		}
	}
	if t.Component != "" && (p.Mode == "latency" || p.Mode == "bandwidth") {
		return fmt.Errorf("params.mode: %s applies to a node's or Pod's interface, not to one component; valid with component: partition, loss", p.Mode)
	}
	return nil
}

func validRate(r string) bool {
	for _, unit := range []string{"gbit", "mbit", "kbit", "bit"} {
		if n, ok := strings.CutSuffix(r, unit); ok {
			return n != "" && strings.Trim(n, "0123456789.") == ""
		}
	}
	return false
}

func (f *network) comment(env Env) string { return "harness:" + env.RunID + ":" + f.c.Name }

// Plan resolves where the fault goes and builds its injection and revert.
func (f *network) Plan(ctx context.Context, env Env) (Revert, error) {
	f.inject = nil
	rev := Revert{Fault: f.c.Name, Type: networkSpec.Type}
	places, err := f.places(ctx, env)
	if err != nil {
		return Revert{}, err
	}
	for _, pl := range places {
		in, out := f.scripts(pl, f.comment(env))
		f.inject = append(f.inject, Step{Node: pl.node, Argv: []string{"sh", "-c", in}})
		rev.Steps = append(rev.Steps, Step{Node: pl.node, Argv: []string{"sh", "-c", out}})
	}
	return rev, nil
}

// Inject runs the injection scripts.
func (f *network) Inject(ctx context.Context, env Env) error {
	for _, s := range f.inject {
		n := findNode(env.Cluster, s.Node)
		if n == nil {
			return fmt.Errorf("network: node %s is gone", s.Node)
		}
		if _, err := n.Exec(ctx, nil, s.Argv...); err != nil {
			return fmt.Errorf("network %s: %w", f.p.Mode, err)
		}
	}
	return nil
}
