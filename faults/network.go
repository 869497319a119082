package faults

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
)

// NetworkParams are the parameters of the network fault.
type NetworkParams struct {
	Mode    string        `yaml:"mode" doc:"latency (tc netem), loss (random drop), bandwidth (tc tbf) on the egress of a node's or Pod's eth0; partition or loss for one component's connections only (target.component)"`
	Delay   time.Duration `yaml:"delay" doc:"latency: added delay, at least 1ms, e.g. 200ms"`
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
	Targets:       TargetNode | TargetComponent | TargetPods,
	NewParams:     func() any { return &NetworkParams{} },
	New:           newNetwork,
}

type network struct {
	c Common
	p NetworkParams
	// inject are the injection steps, resolved by Plan.
	inject []Step
	// counted are where the rules or qdiscs are, for the evidence.
	counted []counted
	tag     string
}

func newNetwork(c Common, params any) (Fault, field.ErrorList) {
	p := *params.(*NetworkParams)
	if errs := p.check(c.Target); len(errs) > 0 {
		return nil, errs
	}
	if p.Mode == "partition" && p.Port == 0 {
		p.Port = 6443
	}
	return &network{c: c, p: p}, nil
}

// check validates the parameters of the mode.
func (p NetworkParams) check(t Target) field.ErrorList {
	path := field.NewPath("params")
	if !slices.Contains(networkModes, p.Mode) {
		return field.ErrorList{field.NotSupported(path.Child("mode"), p.Mode, networkModes)}
	}
	if p.Port < 0 || p.Port > 65535 {
		return field.ErrorList{field.Invalid(path.Child("port"), p.Port, "not a TCP port (1-65535)")}
	}
	switch p.Mode {
	case "latency":
		if p.Delay < time.Millisecond || p.Jitter < 0 || p.Delay > time.Minute || p.Jitter > p.Delay {
			return field.ErrorList{field.Invalid(path.Child("delay"), p.Delay.String(),
				"latency needs a delay of at least 1ms and at most 1m, such as 200ms (and a jitter of zero up to the delay)")}
		}
	case "loss":
		if p.Percent <= 0 || p.Percent > 100 {
			return field.ErrorList{field.Invalid(path.Child("percent"), p.Percent, "not a loss percentage; expected above 0 and up to 100")}
		}
	case "bandwidth":
		if !validRate(p.Rate) {
			return field.ErrorList{field.Invalid(path.Child("rate"), p.Rate, "not a tc rate; expected a number and a unit: bit, kbit, mbit, gbit")}
		}
	case "partition":
		if t.Component == "" {
			return field.ErrorList{field.Required(field.NewPath("target", "component"),
				"partition of one edge needs a component; for a whole node or Pods (hostNetwork ones too) use the partition fault")}
		}
	}
	if t.Component != "" && (p.Mode == "latency" || p.Mode == "bandwidth") {
		return field.ErrorList{field.Invalid(path.Child("mode"), p.Mode,
			"applies to a node's or Pod's interface, not to one component; valid with component: partition, loss")}
	}
	return nil
}

func validRate(r string) bool {
	for _, unit := range []string{"gbit", "mbit", "kbit", "bit"} {
		if n, ok := strings.CutSuffix(r, unit); ok {
			f, err := strconv.ParseFloat(n, 64)
			return err == nil && f > 0 && strings.Trim(n, "0123456789.") == ""
		}
	}
	return false
}

// HostNeeds: cutting one component's edge (or a hostNetwork Pod's, which
// may be among the Pods a selector chooses) classifies its sockets with a
// net_cls cgroup, whose v1 hierarchy must exist on the host.
func (f *network) HostNeeds() []string {
	if f.c.Target.Component != "" || (f.c.Target.Selector != "" && f.p.Mode == "loss") {
		return []string{clusters.NeedNetCls}
	}
	return nil
}

// Plan resolves where the fault goes and builds its injection and revert.
func (f *network) Plan(ctx context.Context, env Env) (Revert, error) {
	var places []place
	var err error
	if f.c.Target.Selector != "" {
		places, err = podPlaces(ctx, env, f.c.Target)
	} else {
		places, err = nodePlaces(ctx, env, f.c.Target)
	}
	if err != nil {
		return Revert{}, err
	}
	f.inject, f.counted, f.tag = nil, nil, comment(env, f.c.Name)
	rev := Revert{Fault: f.c.Name, Type: networkSpec.Type}
	for _, pl := range places {
		if pl.container != "" && (f.p.Mode == "latency" || f.p.Mode == "bandwidth") {
			return Revert{}, fmt.Errorf("pod %s uses its node's network (hostNetwork): %s would shape the whole node's eth0; "+
				"use mode loss or partition (its own connections only), or target the node", pl.pod, f.p.Mode)
		}
		in, out := f.steps(pl, f.tag)
		f.inject = append(f.inject, in)
		rev.Steps = append(rev.Steps, out)
		chain := "OUTPUT"
		if pl.component == "" && (f.p.Mode == "latency" || f.p.Mode == "bandwidth") {
			chain = "" // the root qdisc
		}
		f.counted = append(f.counted, counted{pl, chain})
	}
	return rev, nil
}

// Evidence: the rules (or the qdisc) matched packets by the end of the
// window.
func (f *network) Evidence(ctx context.Context, env Env) Evidence {
	what := "the fault's rules"
	if f.counted[0].chain == "" {
		what = "the " + f.qdisc()[0] + " qdisc"
	}
	return packetEvidence(ctx, env, f.counted, f.tag, what)
}

// Inject runs the injection steps.
func (f *network) Inject(ctx context.Context, env Env) error {
	return runSteps(ctx, env.Cluster, "network "+f.p.Mode, f.inject)
}

// steps returns the injection and the (idempotent) revert of one place.
func (f *network) steps(pl place, tag string) (inject, revert Step) {
	switch {
	case pl.edge():
		return edgeSteps(pl, f.match(tag), tag)
	case f.p.Mode == "latency" || f.p.Mode == "bandwidth":
		return Step{Node: pl.node, Argv: script(replaceQdisc, append([]string{pl.netns}, f.qdisc()...)...)},
			Step{Node: pl.node, Argv: script(deleteQdisc, pl.netns)}
	}
	return ruleSteps(pl, append(append([]string{"OUTPUT"}, f.match(tag)...), "-j", "DROP"))
}

// match is the iptables match of the dropped packets.
func (f *network) match(tag string) []string {
	var m []string
	if f.p.Port != 0 {
		m = append(m, "-p", "tcp", "--dport", strconv.Itoa(f.p.Port))
	}
	if f.p.Mode == "loss" {
		m = append(m, "-m", "statistic", "--mode", "random", "--probability", fmt.Sprintf("%.4f", f.p.Percent/100))
	}
	return append(m, "-m", "comment", "--comment", tag)
}

// qdisc is the root qdisc of the mode.
func (f *network) qdisc() []string {
	if f.p.Mode == "bandwidth" {
		return []string{"tbf", "rate", f.p.Rate, "burst", "32kbit", "latency", "400ms"}
	}
	q := []string{"netem", "delay", fmt.Sprintf("%dms", f.p.Delay.Milliseconds())}
	if f.p.Jitter > 0 {
		q = append(q, fmt.Sprintf("%dms", f.p.Jitter.Milliseconds()))
	}
	return q
}
