package faults

import (
	"context"
	"net"
	"slices"
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
)

// PartitionParams are the parameters of the partition fault.
type PartitionParams struct {
	Port int `yaml:"port" doc:"apiserver port inside the node (default 6443)"`
	// ServiceIP is the apiserver's Service address seen from Pods.
	ServiceIP string `yaml:"serviceIP" doc:"the kubernetes Service IP, blocked on port 443 for a one-Pod partition (default 10.96.0.1)"`
}

var partitionSpec = Spec{
	Type: "partition",
	Doc: "make the apiserver unreachable (iptables DROP): for everyone on the node(s), or only from the Pods chosen by " +
		"namespace+selector (their network namespace; for a hostNetwork Pod, its container's processes, classified with net_cls)",
	NeedsDuration: true,
	Targets:       TargetNode | TargetPods,
	NewParams:     func() any { return &PartitionParams{} },
	New:           newPartition,
}

type partition struct {
	c Common
	p PartitionParams
	// inject are the rule insertions, resolved by Plan.
	inject []Step
	// counted are where the rules are, for the evidence.
	counted []counted
	tag     string
}

func newPartition(c Common, params any) (Fault, field.ErrorList) {
	p := *params.(*PartitionParams)
	path := field.NewPath("params")
	if p.Port == 0 {
		p.Port = 6443
	}
	var errs field.ErrorList
	if p.Port < 1 || p.Port > 65535 {
		errs = append(errs, field.Invalid(path.Child("port"), p.Port, "not a TCP port (1-65535)"))
	}
	if p.ServiceIP == "" {
		p.ServiceIP = "10.96.0.1"
	}
	if ip := net.ParseIP(p.ServiceIP); ip == nil || ip.To4() == nil {
		errs = append(errs, field.Invalid(path.Child("serviceIP"), p.ServiceIP, "not an IPv4 address, such as 10.96.0.1"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &partition{c: c, p: p}, nil
}

// Plan resolves the nodes (or Pod network namespaces) and the rules.
func (f *partition) Plan(ctx context.Context, env Env) (Revert, error) {
	tag, port := comment(env, f.c.Name), strconv.Itoa(f.p.Port)
	f.inject, f.counted, f.tag = nil, nil, tag
	rev := Revert{Fault: f.c.Name, Type: partitionSpec.Type}
	add := func(pl place, rule ...string) {
		in, out := ruleSteps(pl, append(rule, "-m", "comment", "--comment", tag, "-j", "DROP"))
		f.inject = append(f.inject, in)
		rev.Steps = append(rev.Steps, out)
		if !slices.Contains(f.counted, counted{pl, rule[0]}) {
			f.counted = append(f.counted, counted{pl, rule[0]})
		}
	}
	if f.c.Target.Selector == "" {
		places, err := nodePlaces(ctx, env, f.c.Target)
		if err != nil {
			return Revert{}, err
		}
		for _, pl := range places {
			add(pl, "INPUT", "-p", "tcp", "--dport", port)
		}
		return rev, nil
	}
	places, err := podPlaces(ctx, env, f.c.Target)
	if err != nil {
		return Revert{}, err
	}
	for _, pl := range places {
		if pl.edge() {
			// A hostNetwork Pod: its traffic to the Service has been
			// translated to the apiserver's port by the time the filter
			// table sees it (kube-proxy's DNAT in nat OUTPUT).
			in, out := edgeSteps(pl, []string{"-p", "tcp", "--dport", port, "-m", "comment", "--comment", tag}, tag)
			f.inject = append(f.inject, in)
			rev.Steps = append(rev.Steps, out)
			continue
		}
		add(pl, "OUTPUT", "-p", "tcp", "-d", f.p.ServiceIP, "--dport", "443")
		add(pl, "OUTPUT", "-p", "tcp", "-d", "0.0.0.0/0", "--dport", port)
	}
	return rev, nil
}

// Evidence: the DROP rules dropped packets by the end of the window.
func (f *partition) Evidence(ctx context.Context, env Env) Evidence {
	return packetEvidence(ctx, env, f.counted, f.tag, "the partition's DROP rules")
}

// HostNeeds: a hostNetwork Pod among the chosen ones is cut by net_cls,
// whose v1 hierarchy must exist on the host; which Pods are chosen is only
// known at injection, so a Pod target always asks for it.
func (f *partition) HostNeeds() []string {
	if f.c.Target.Selector != "" {
		return []string{clusters.NeedNetCls}
	}
	return nil
}

// Inject inserts the DROP rules.
func (f *partition) Inject(ctx context.Context, env Env) error {
	return runSteps(ctx, env.Cluster, "partition", f.inject)
}
