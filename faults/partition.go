package faults

import (
	"context"
	"fmt"
	"strings"
)

// PartitionParams are the parameters of the partition fault.
type PartitionParams struct {
	Port int `yaml:"port" doc:"apiserver port inside the node (default 6443)"`
	// ServiceIP is the apiserver's Service address seen from Pods.
	ServiceIP string `yaml:"serviceIP" doc:"the kubernetes Service IP, blocked on port 443 for a one-Pod partition (default 10.96.0.1)"`
}

var partitionSpec = Spec{
	Type:          "partition",
	Doc:           "make the apiserver unreachable (iptables DROP): for everyone on the node(s), or only from the network namespace of the Pods chosen by namespace+selector",
	NeedsDuration: true,
	NewParams:     func() any { return &PartitionParams{} },
	New:           newPartition,
}

type partition struct {
	c Common
	p PartitionParams
	// rules are resolved by Plan: where each rule goes.
	rules []partitionRule
}

type partitionRule struct {
	node  string
	netns string // a named netns of the node, or "" for the node's own
	rule  []string
}

func newPartition(c Common, params any) (Fault, error) {
	p := *params.(*PartitionParams)
	if p.Port == 0 {
		p.Port = 6443
	}
	if p.Port < 1 || p.Port > 65535 {
		return nil, fmt.Errorf("params.port: %d is not a TCP port (1-65535)", p.Port)
	}
	if p.ServiceIP == "" {
		p.ServiceIP = "10.96.0.1"
	}
	if c.Target.Component != "" || c.Target.Process != "" {
		return nil, fmt.Errorf("target: partition takes node, or namespace+selector for one Pod's network; not component or process")
	}
	if (c.Target.Selector == "") != (c.Target.Namespace == "") {
		return nil, fmt.Errorf("target: namespace and selector go together")
	}
	return &partition{c: c, p: p}, nil
}

func (f *partition) comment(env Env) string {
	return "harness:" + env.RunID + ":" + f.c.Name
}

// Plan resolves the nodes (or Pod network namespaces) and the rules.
func (f *partition) Plan(ctx context.Context, env Env) (Revert, error) {
	f.rules = nil
	if f.c.Target.Selector == "" {
		nodes, err := f.c.Target.Nodes(env.Cluster, "control-plane")
		if err != nil {
			return Revert{}, err
		}
		for _, n := range nodes {
			rule := []string{"INPUT", "-p", "tcp", "--dport", fmt.Sprint(f.p.Port),
				"-m", "comment", "--comment", f.comment(env), "-j", "DROP"}
			f.rules = append(f.rules, partitionRule{node: n.Name(), rule: rule})
		}
	} else if err := f.planPods(ctx, env); err != nil {
		return Revert{}, err
	}
	rev := Revert{Fault: f.c.Name, Type: partitionSpec.Type}
	for _, r := range f.rules {
		rev.Steps = append(rev.Steps, Step{Node: r.node, Argv: []string{"sh", "-c", deleteRuleScript(r)}})
	}
	return rev, nil
}

func (f *partition) planPods(ctx context.Context, env Env) error {
	pcs, err := f.c.Target.PodContainers(ctx, env)
	if err != nil {
		return err
	}
	for _, pc := range pcs {
		out, err := pc.Node.Exec(ctx, nil, "sh", "-c", podNetnsScript(pc.ContainerID))
		if err != nil {
			return fmt.Errorf("network namespace of pod %s: %w", pc.Pod, err)
		}
		netns := strings.TrimSpace(string(out))
		for _, dst := range [][2]string{{f.p.ServiceIP, "443"}, {"0.0.0.0/0", fmt.Sprint(f.p.Port)}} {
			rule := []string{"OUTPUT", "-p", "tcp", "-d", dst[0], "--dport", dst[1],
				"-m", "comment", "--comment", f.comment(env), "-j", "DROP"}
			f.rules = append(f.rules, partitionRule{node: pc.Node.Name(), netns: netns, rule: rule})
		}
	}
	return nil
}

// Inject inserts the DROP rules.
func (f *partition) Inject(ctx context.Context, env Env) error {
	for _, r := range f.rules {
		n, err := Target{Node: r.node}.Nodes(env.Cluster, "")
		if err != nil {
			return err
		}
		argv := append(iptables(r.netns), append([]string{"-I"}, r.rule...)...)
		if _, err := n[0].Exec(ctx, nil, argv...); err != nil {
			return fmt.Errorf("partition: %w", err)
		}
	}
	return nil
}

func iptables(netns string) []string {
	if netns == "" {
		return []string{"iptables", "-w"}
	}
	return []string{"ip", "netns", "exec", netns, "iptables", "-w"}
}

// deleteRuleScript deletes every copy of a rule; it succeeds when there is
// none (or when the Pod's network namespace is gone).
func deleteRuleScript(r partitionRule) string {
	cmd := strings.Join(append(iptables(r.netns), "-D"), " ") + " " + shellQuote(r.rule)
	if r.netns == "" {
		return fmt.Sprintf("while %s 2>/dev/null; do :; done; true", cmd)
	}
	return fmt.Sprintf("[ -e /var/run/netns/%s ] || exit 0; while %s 2>/dev/null; do :; done; true", r.netns, cmd)
}

// podNetnsScript prints the name of the named network namespace (created by
// the CNI for the Pod sandbox) that the container's process is in.
func podNetnsScript(containerID string) string {
	return fmt.Sprintf(`pid=$(%s); [ -n "$pid" ] || { echo "container %s has no running task"; exit 1; }; `+
		`want=$(stat -L -c %%i /proc/$pid/ns/net); for f in /var/run/netns/*; do `+
		`[ "$(stat -L -c %%i "$f")" = "$want" ] && { basename "$f"; exit 0; }; done; `+
		`echo "no named network namespace for container %s"; exit 1`, containerPIDScript(containerID), containerID, containerID)
}

func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
