package faults

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
)

// place is where a network fault goes: a node's own network, a Pod's
// network namespace in a node, or one component's sockets in a node.
type place struct {
	node, netns, component string
}

func (f *network) places(ctx context.Context, env Env) ([]place, error) {
	if f.c.Target.Selector != "" {
		pcs, err := f.c.Target.PodContainers(ctx, env)
		if err != nil {
			return nil, err
		}
		var out []place
		for _, pc := range pcs {
			netns, err := pc.Node.Exec(ctx, nil, "sh", "-c", podNetnsScript(pc.ContainerID))
			if err != nil {
				return nil, fmt.Errorf("network namespace of pod %s: %w", pc.Pod, err)
			}
			out = append(out, place{node: pc.Node.Name(), netns: strings.TrimSpace(string(netns))})
		}
		return out, nil
	}
	nodes, err := f.c.Target.Nodes(env.Cluster, "control-plane")
	if err != nil {
		return nil, err
	}
	out := make([]place, len(nodes))
	for i, n := range nodes {
		out[i] = place{node: n.Name(), component: f.c.Target.Component}
	}
	return out, nil
}

// scripts returns the injection and the (idempotent) revert of one place.
func (f *network) scripts(pl place, comment string) (inject, revert string) {
	in := ""
	if pl.netns != "" {
		in = "ip netns exec " + pl.netns + " "
	}
	gone := ""
	if pl.netns != "" {
		gone = fmt.Sprintf("[ -e /var/run/netns/%s ] || exit 0; ", pl.netns)
	}
	switch {
	case pl.component != "":
		return componentEdgeScripts(pl.component, f.match(comment), comment)
	case f.p.Mode == "latency" || f.p.Mode == "bandwidth":
		return qdiscScript(in, f.qdisc()), gone + in + "tc qdisc del dev eth0 root 2>/dev/null; true"
	}
	rule := "OUTPUT " + f.match(comment) + " -j DROP"
	return in + "iptables -w -I " + rule, gone + "while " + in + "iptables -w -D " + rule + " 2>/dev/null; do :; done; true"
}

// match is the iptables match of the dropped packets.
func (f *network) match(comment string) string {
	m := ""
	if f.p.Port != 0 {
		m += fmt.Sprintf("-p tcp --dport %d ", f.p.Port)
	}
	if f.p.Mode == "loss" {
		m += fmt.Sprintf("-m statistic --mode random --probability %.4f ", f.p.Percent/100)
	}
	return m + "-m comment --comment " + comment
}

func (f *network) qdisc() string {
	if f.p.Mode == "bandwidth" {
		return "tbf rate " + f.p.Rate + " burst 32kbit latency 400ms"
	}
	q := fmt.Sprintf("netem delay %dms", f.p.Delay.Milliseconds())
	if f.p.Jitter > 0 {
		q += fmt.Sprintf(" %dms", f.p.Jitter.Milliseconds())
	}
	return q
}

// qdiscScript replaces the root qdisc of eth0 and explains a kernel
// without the qdisc.
func qdiscScript(in, qdisc string) string {
	return fmt.Sprintf(`out=$(%stc qdisc replace dev eth0 root %s 2>&1) || { case "$out" in `+
		`*"kind is unknown"*) echo "this kernel has no %s qdisc: load its module on the host (modprobe sch_%s) or use another mode";; `+
		`*) echo "$out";; esac; exit 1; }`, in, qdisc, strings.Fields(qdisc)[0], strings.Fields(qdisc)[0])
}

const netClsRoot = "/run/harness/net_cls"

// componentEdgeScripts cut (or degrade) only the connections of one
// component: its processes join a net_cls cgroup whose class the iptables
// rule matches; a loop enrolls the component again when it restarts.
func componentEdgeScripts(component, match, comment string) (inject, revert string) {
	h := fnv.New32a()
	h.Write([]byte(comment))
	classID := fmt.Sprintf("0x%x", 0x10000|(h.Sum32()&0xffff))
	name := strings.NewReplacer(":", "_", "/", "_").Replace(comment)
	cg, loop, pidfile := netClsRoot+"/"+name, "/run/harness/"+name+".sh", "/run/harness/"+name+".pid"
	rule := "OUTPUT -m cgroup --cgroup " + classID + " " + match + " -j DROP"
	enroll := findByNameScript(component, "") + fmt.Sprintf(`for p in $pids; do echo $p > %s/cgroup.procs 2>/dev/null; done`, cg)
	inject = strings.Join([]string{
		"set -e", "mkdir -p " + netClsRoot,
		fmt.Sprintf("mountpoint -q %s || mount -t cgroup -o net_cls net_cls %s", netClsRoot, netClsRoot),
		"mkdir -p " + cg, fmt.Sprintf("echo %s > %s/net_cls.classid", classID, cg),
		findByNameScript(component, ""), fmt.Sprintf(`[ -n "$pids" ] || { echo "no process named %s"; exit 1; }`, component),
		enroll, "iptables -w -I " + rule,
		fmt.Sprintf("cat > %s <<'HARNESS'\nwhile [ -d %s ]; do %s; sleep 0.2; done\nHARNESS", loop, cg, enroll),
		fmt.Sprintf("setsid sh %s </dev/null >/dev/null 2>&1 & echo $! > %s", loop, pidfile),
	}, "\n")
	revert = strings.Join([]string{
		fmt.Sprintf("[ -f %s ] && kill $(cat %s) 2>/dev/null", pidfile, pidfile),
		fmt.Sprintf("rm -f %s %s", pidfile, loop),
		"while iptables -w -D " + rule + " 2>/dev/null; do :; done",
		fmt.Sprintf("if [ -d %s ]; then for p in $(cat %s/cgroup.procs); do echo $p > %s/cgroup.procs 2>/dev/null; done; rmdir %s; fi",
			cg, cg, netClsRoot, cg),
		"true",
	}, "\n")
	return inject, revert
}
