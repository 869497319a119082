package faults

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// StaleParams are the parameters of the stale-connections fault.
//
// Old connections cannot be marked directly (`conntrack -U --mark` answers
// "Operation not supported" on this project's kernels), so the new ones
// are: a connection is stale when it lacks the fault's mark bit.
type StaleParams struct {
	Port int `yaml:"port" doc:"the server's TCP port inside the node (default 6443, the apiserver)"`
}

var staleSpec = Spec{
	Type: "stale-connections",
	Doc: "silently drop (no RST, no FIN) every TCP connection to a port of the node(s) that is established when the fault " +
		"starts, while new connections succeed: a client with HTTP/2 health checks reconnects, one without hangs",
	NeedsDuration: true,
	Targets:       TargetNode,
	NewParams:     func() any { return &StaleParams{} },
	New:           newStale,
}

type stale struct {
	c      Common
	p      StaleParams
	inject []Step // resolved by Plan
	// counted are the DROP rules' chains per node, tagged tag.
	counted []counted
	tag     string
}

func newStale(c Common, params any) (Fault, field.ErrorList) {
	p := *params.(*StaleParams)
	if p.Port == 0 {
		p.Port = 6443
	}
	if p.Port < 1 || p.Port > 65535 {
		return nil, field.ErrorList{field.Invalid(field.NewPath("params", "port"), p.Port, "not a TCP port (1-65535)")}
	}
	return &stale{c: c, p: p}, nil
}

// staleMark is the connection-mark bit of the fault, derived from its tag
// (one of bits 16-29, clear of kube-proxy's packet marks 0x4000 and
// 0x8000); connections opened while the fault holds get it.
func staleMark(tag string) string {
	h := fnv.New32a()
	h.Write([]byte(tag))
	return fmt.Sprintf("0x%x", 1<<(16+h.Sum32()%14))
}

// makeStale: $1 mark bit, $2 port, $3 tag. From now on, every new TCP
// connection to the port gets the bit in its conntrack mark (mangle, on
// the first packet, in PREROUTING from outside and OUTPUT from the node
// itself); packets of connections without it (those established before)
// are dropped both ways (filter INPUT to the port, OUTPUT from it). No RST,
// no FIN: both ends just stop hearing from each other. Prints how many
// established connections there were.
const makeStale = `set -e
for chain in PREROUTING OUTPUT; do
  iptables -w -t mangle -I "$chain" -p tcp --dport "$2" -m conntrack --ctstate NEW -m comment --comment "$3" -j CONNMARK --set-xmark "$1/$1"
done
iptables -w -I INPUT -p tcp --dport "$2" -m connmark --mark "0/$1" -m comment --comment "$3" -j DROP
iptables -w -I OUTPUT -p tcp --sport "$2" -m connmark --mark "0/$1" -m comment --comment "$3" -j DROP
n=$(conntrack -L -p tcp --dport "$2" 2>/dev/null | grep -c ESTABLISHED || true)
echo "$n established connections to port $2 are stale"`

// unmakeStale: $1 mark bit, $2 port, $3 tag. Deletes every copy of the
// four rules; idempotent. Connections that still exist talk again.
const unmakeStale = `for chain in PREROUTING OUTPUT; do
  while iptables -w -t mangle -D "$chain" -p tcp --dport "$2" -m conntrack --ctstate NEW -m comment --comment "$3" -j CONNMARK --set-xmark "$1/$1" 2>/dev/null; do :; done
done
while iptables -w -D INPUT -p tcp --dport "$2" -m connmark --mark "0/$1" -m comment --comment "$3" -j DROP 2>/dev/null; do :; done
while iptables -w -D OUTPUT -p tcp --sport "$2" -m connmark --mark "0/$1" -m comment --comment "$3" -j DROP 2>/dev/null; do :; done
true`

// Plan builds, per node, the rules that mark new connections and drop the
// others; the revert deletes them.
func (f *stale) Plan(ctx context.Context, env Env) (Revert, error) {
	nodes, err := f.c.Target.nodes(ctx, env)
	if err != nil {
		return Revert{}, err
	}
	tag := comment(env, f.c.Name)
	args := []string{staleMark(tag), strconv.Itoa(f.p.Port), tag}
	f.inject, f.counted, f.tag = nil, nil, tag
	rev := Revert{Fault: f.c.Name, Type: staleSpec.Type}
	for _, n := range nodes {
		f.inject = append(f.inject, Step{Node: n.Name(), Argv: script(makeStale, args...)})
		rev.Steps = append(rev.Steps, Step{Node: n.Name(), Argv: script(unmakeStale, args...)})
		f.counted = append(f.counted, counted{place{node: n.Name()}, "INPUT"}, counted{place{node: n.Name()}, "OUTPUT"})
	}
	return rev, nil
}

// Inject inserts the rules and marks the connections established now.
func (f *stale) Inject(ctx context.Context, env Env) error {
	return runSteps(ctx, env.Cluster, "stale-connections", f.inject)
}

// Evidence: the DROP rules of the connections established before the
// fault (those without its mark) dropped packets by the end of the window.
// With no such connection, or one that stayed silent, nothing went stale
// and they count nothing.
func (f *stale) Evidence(ctx context.Context, env Env) Evidence {
	return packetEvidence(ctx, env, f.counted, f.tag, "the DROP rules of the connections established before the fault")
}
