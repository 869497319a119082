package assertions

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// NodeReadyParams are the parameters of nodeReady.
type NodeReadyParams struct {
	Node string `yaml:"node" doc:"nodes by role (control-plane, worker: every node of it), role and index (worker2), or kind node name (default: every node)"`
}

var nodeReadySpec = Spec{
	Type: "nodeReady",
	Doc: "nodes (by role or name) are Ready, and their kubelets renew their node Leases after the moment, within the SLO; " +
		"or stay Ready throughout the `during` window",
	Invariant: true,
	NewParams: func() any { return &NodeReadyParams{} },
	New: func(c Common, params any) (Assertion, field.ErrorList) {
		p := params.(*NodeReadyParams)
		if errs := clusters.ValidateNode(field.NewPath("params", "node"), p.Node); errs != nil {
			return nil, errs
		}
		a := &nodeReady{c: c, match: nodeNameMatcher(p.Node)}
		a.what = "every node"
		if p.Node != "" {
			a.what = "node " + p.Node
		}
		a.j = stateJudge{c: c, what: a.what, holds: "Ready", watched: true, grace: observeGrace, points: a.points}
		return a, nil
	},
}

// nodeNameMatcher matches kind's node names (CLUSTER-control-plane,
// CLUSTER-worker2) by what ref names: a role, a role and index (index 1
// is the node without one), or a whole name; everything when empty.
func nodeNameMatcher(ref string) func(string) bool {
	if ref == "" {
		return func(string) bool { return true }
	}
	for _, r := range clusters.Roles {
		if ref == r {
			re := regexp.MustCompile(`-` + regexp.QuoteMeta(r) + `([0-9]+)?$`)
			return func(name string) bool { return re.MatchString(name) }
		}
		if idx, ok := strings.CutPrefix(ref, r); ok && idx != "" {
			suffix := "-" + ref
			if idx == "1" {
				suffix = "-" + r
			}
			return func(name string) bool { return strings.HasSuffix(name, suffix) || name == ref }
		}
	}
	return func(name string) bool { return name == ref }
}

type nodeReady struct {
	c     Common
	match func(string) bool
	what  string
	j     stateJudge
}

// Evaluate judges the Nodes' Ready condition (see stateJudge for the
// forms). In the SLO form a node counts as Ready only once its kubelet has
// renewed its node Lease after the moment: a stopped kubelet's node stays
// Ready for the node monitor's grace period (40s), and must not pass.
// Nodes whose Leases are not recorded count on their Ready condition.
func (a *nodeReady) Evaluate(v *timeline.View) Verdict { return a.j.judge(v) }

func (a *nodeReady) points(v *timeline.View, s, e time.Duration) []point {
	from, _ := v.Moment(a.c.From)
	fromWall, hasWall := v.WallAt(from)
	nodes := map[string]bool{}   // name → Ready
	leases := map[string]bool{}  // names whose node Lease is recorded
	renewed := map[string]bool{} // names whose Lease was renewed after From
	state := func() (health, string) {
		if len(nodes) == 0 {
			return bad, "no " + strings.TrimPrefix(a.what, "every ")
		}
		for _, n := range sortedKeys(nodes) {
			switch {
			case !nodes[n]:
				return bad, fmt.Sprintf("node %s not Ready", n)
			case !a.c.Invariant() && leases[n] && !renewed[n]:
				return bad, fmt.Sprintf("node %s Ready, its kubelet has not renewed its node Lease since %s", n, a.c.From)
			}
		}
		return good, fmt.Sprintf("%d nodes Ready", len(nodes))
	}
	var out []point
	started := false
	for _, ev := range v.Events() {
		if ev.At > e {
			break
		}
		if ev.At > s && !started {
			st, d := state()
			out, started = append(out, point{at: s, state: st, detail: d}), true
		}
		switch {
		case ev.Type == timeline.NodeObserved && a.match(ev.Node.Name):
			if ev.Action == timeline.Deleted {
				delete(nodes, ev.Node.Name)
			} else {
				nodes[ev.Node.Name] = ev.Node.Ready
			}
		case ev.Type == timeline.LeaseObserved && ev.Lease.Namespace == timeline.NodeLeaseNamespace && a.match(ev.Lease.Name):
			leases[ev.Lease.Name] = true
			if hasWall && ev.Lease.RenewTime.After(fromWall) {
				renewed[ev.Lease.Name] = true
			}
		default:
			continue
		}
		if started {
			st, d := state()
			out = append(out, point{at: ev.At, state: st, detail: d})
		}
	}
	if !started && s <= e {
		st, d := state()
		out = append(out, point{at: s, state: st, detail: d})
	}
	return out
}
