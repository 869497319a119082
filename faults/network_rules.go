package faults

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// place is where a network fault goes: a node's own network namespace, a
// Pod's named network namespace in a node, or the sockets of one component
// (by executable name) or of one hostNetwork Pod's container (by its
// cgroup) in a node, classified with net_cls.
type place struct {
	node, netns, component string
	// container is the ID of a hostNetwork Pod's container; pod names it.
	container, pod string
}

// edge reports whether the place is a set of processes in the node's own
// network (a component or a hostNetwork container).
func (pl place) edge() bool { return pl.component != "" || pl.container != "" }

// podPlaces resolves the network namespaces of the Pods a target chooses.
func podPlaces(ctx context.Context, env Env, t Target) ([]place, error) {
	pcs, err := t.PodContainers(ctx, env)
	if err != nil {
		return nil, err
	}
	var out []place
	for _, pc := range pcs {
		if pc.HostNetwork {
			// Its network is the node's: only its own processes' sockets
			// are cut, classified by net_cls (see cutContainer).
			out = append(out, place{node: pc.Node.Name(), container: pc.ContainerID, pod: pc.Pod})
			continue
		}
		netns, err := pc.Node.Exec(ctx, nil, script(podNetns, pc.ContainerID)...)
		if err != nil {
			return nil, fmt.Errorf("network namespace of pod %s: %w", pc.Pod, err)
		}
		out = append(out, place{node: pc.Node.Name(), netns: strings.TrimSpace(string(netns))})
	}
	return out, nil
}

// nodePlaces are the target's nodes (default control-plane), for a
// component's sockets when component is set.
func nodePlaces(ctx context.Context, env Env, t Target) ([]place, error) {
	nodes, err := t.nodes(ctx, env)
	if err != nil {
		return nil, err
	}
	out := make([]place, len(nodes))
	for i, n := range nodes {
		out[i] = place{node: n.Name(), component: t.Component}
	}
	return out, nil
}

// ruleSteps insert an iptables rule (the arguments of -I) at a place and
// delete every copy of it again.
func ruleSteps(pl place, rule []string) (inject, revert Step) {
	inject = Step{Node: pl.node, Argv: iptablesArgv(pl.netns, append([]string{"-I"}, rule...)...)}
	revert = Step{Node: pl.node, Argv: script(deleteRules, append([]string{pl.netns}, rule...)...)}
	return inject, revert
}

// comment tags a rule with the run and the fault (harness:RUN:FAULT), so
// that a person or cleanup can tell whose it is.
func comment(env Env, fault string) string { return "harness:" + env.RunID + ":" + fault }

// replaceQdisc: $1 a named network namespace or empty, the rest a qdisc
// (such as netem delay 200ms). Replaces eth0's root qdisc, and says which
// kernel module is missing when the kernel lacks the qdisc.
const replaceQdisc = `ns=$1; shift; kind=$1
if [ -n "$ns" ]; then set -- ip netns exec "$ns" tc qdisc replace dev eth0 root "$@"; else set -- tc qdisc replace dev eth0 root "$@"; fi
out=$("$@" 2>&1) || { case "$out" in
  *"kind is unknown"*) echo "this kernel has no $kind qdisc: load its module on the host (modprobe sch_$kind) or use another mode";;
  *) echo "$out";;
esac; exit 1; }`

// deleteQdisc: $1 a named network namespace or empty. Restores eth0's
// default qdisc; succeeds when the namespace is gone.
const deleteQdisc = `ns=$1
if [ -n "$ns" ]; then
  [ -e "/var/run/netns/$ns" ] || exit 0
  ip netns exec "$ns" tc qdisc del dev eth0 root 2>/dev/null
else
  tc qdisc del dev eth0 root 2>/dev/null
fi
true`

// netClsRoot is where a node mounts the net_cls hierarchy (the host's must
// exist: see clusters/kind/netcls.go).
const netClsRoot = "/run/harness/net_cls"

// enrollLoop: $1 component, $2 cgroup. Moves the component's processes
// into the cgroup every 200ms while it exists, so a restarted component is
// cut again.
const enrollLoop = findByNameFn + `while [ -d "$2" ]; do
  find_by_name "$1"
  for p in $pids; do echo "$p" > "$2/cgroup.procs" 2>/dev/null || true; done
  sleep 0.2
done`

// cutEdge: $1 component, $2 class ID, $3 cgroup, $4 pid file, $5 the
// net_cls mount point, $6 the enroll loop, the rest an iptables rule that
// matches the class. Classifies the component's sockets and drops them.
const cutEdge = findByNameFn + `set -e
comp=$1 classid=$2 cg=$3 pidfile=$4 root=$5 loop=$6; shift 6
mkdir -p "$root"
# The host's hierarchy holds net_cls alone (as the kind provider mounts it)
# or with net_prio (as systemd mounts it): a mount names exactly its controllers.
mountpoint -q "$root" || mount -t cgroup -o net_cls net_cls "$root" 2>/dev/null || mount -t cgroup -o net_cls,net_prio net_cls "$root"
mkdir -p "$cg"
echo "$classid" > "$cg/net_cls.classid"
find_by_name "$comp"
[ -n "$pids" ] || { echo "no process named $comp"; exit 1; }
for p in $pids; do echo "$p" > "$cg/cgroup.procs" 2>/dev/null || true; done
iptables -w -I "$@"
setsid sh -c "$loop" enroll "$comp" "$cg" </dev/null >/dev/null 2>&1 &
echo $! > "$pidfile"`

// uncutEdge: $1 pid file, $2 cgroup, $3 the net_cls mount point, the rest
// the rule. Stops the loop, deletes the rule, moves the processes back to
// the root class and removes the cgroup; idempotent.
const uncutEdge = `pidfile=$1 cg=$2 root=$3; shift 3
[ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
rm -f "$pidfile"
while iptables -w -D "$@" 2>/dev/null; do :; done
if [ -d "$cg" ]; then
  for p in $(cat "$cg/cgroup.procs"); do echo "$p" > "$root/cgroup.procs" 2>/dev/null; done
  rmdir "$cg"
fi
true`

// edgeSteps cut (or degrade, with match) only the connections of one
// component or one hostNetwork container: its processes join a net_cls
// cgroup whose class the rule matches; a loop enrolls the component again
// when it restarts (or the container's new processes).
func edgeSteps(pl place, match []string, tag string) (inject, revert Step) {
	h := fnv.New32a()
	h.Write([]byte(tag))
	classID := fmt.Sprintf("0x%x", 0x10000|(h.Sum32()&0xffff))
	name := strings.NewReplacer(":", "_", "/", "_").Replace(tag)
	if pl.container != "" {
		name += "_" + pl.container[:min(12, len(pl.container))]
	}
	cg, pidfile := netClsRoot+"/"+name, "/run/harness/"+name+".pid"
	rule := append([]string{"OUTPUT", "-m", "cgroup", "--cgroup", classID}, match...)
	rule = append(rule, "-j", "DROP")
	text, loop, who := cutEdge, enrollLoop, pl.component
	if pl.container != "" {
		text, loop, who = cutContainer, enrollCgroupLoop, pl.container
	}
	inject = Step{Node: pl.node, Argv: script(text, append([]string{who, classID, cg, pidfile, netClsRoot, loop}, rule...)...)}
	revert = Step{Node: pl.node, Argv: script(uncutEdge, append([]string{pidfile, cg, netClsRoot}, rule...)...)}
	return inject, revert
}

// ruleCounter: $1 a named network namespace or empty, $2 a chain, $3 a
// rule's comment. Prints how many packets the chain's rules with that
// comment matched.
const ruleCounter = `ns=$1 chain=$2 tag=$3
if [ -n "$ns" ]; then set -- ip netns exec "$ns" iptables -w -L "$chain" -v -x -n; else set -- iptables -w -L "$chain" -v -x -n; fi
"$@" | awk -v tag="$tag" 'index($0, "/* " tag " */") {s += $1} END {print s + 0}'`

// qdiscCounter: $1 a named network namespace or empty. Prints how many
// packets eth0's root netem or tbf qdisc sent.
const qdiscCounter = `ns=$1
if [ -n "$ns" ]; then set -- ip netns exec "$ns" tc -s qdisc show dev eth0; else set -- tc -s qdisc show dev eth0; fi
"$@" | awk '/^qdisc (netem|tbf)/ {q = 1; next} q && /Sent/ {print $4; exit}'`

// counted is a place whose packets a fault counts: the rules of chain
// tagged tag, or (chain empty) the root qdisc.
type counted struct {
	pl    place
	chain string
}

// packets sums what the fault's rules (or qdiscs) matched at its places.
func packets(ctx context.Context, env Env, at []counted, tag string) (int, error) {
	total := 0
	for _, c := range at {
		n := env.Cluster.Node(c.pl.node)
		if n == nil {
			return total, fmt.Errorf("node %s is gone", c.pl.node)
		}
		argv := script(ruleCounter, c.pl.netns, c.chain, tag)
		if c.chain == "" {
			argv = script(qdiscCounter, c.pl.netns)
		}
		out, err := n.Exec(ctx, nil, argv...)
		if err != nil {
			return total, err
		}
		k, err := strconv.Atoi(strings.TrimSpace(string(out)))
		if err != nil {
			return total, fmt.Errorf("counter of %s on %s: %q", c.chain, c.pl.node, out)
		}
		total += k
	}
	return total, nil
}

// packetEvidence: the fault's rules matched (dropped, or delayed) packets
// by the end of its window: a partition of a port nothing uses drops none.
func packetEvidence(ctx context.Context, env Env, at []counted, tag, what string) Evidence {
	n, err := packets(ctx, env, at, tag)
	switch {
	case err != nil:
		return missing("could not read the packet counters of %s: %v", what, err)
	case n == 0:
		return missing("%s matched no packet by the end of the window: no traffic went where the fault was", what)
	}
	return took("%s matched %d packets by the end of the window", what, n)
}
