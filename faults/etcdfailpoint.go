package faults

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
)

// FailpointParams are the parameters of the etcd-failpoint fault.
type FailpointParams struct {
	Failpoint string `yaml:"failpoint" doc:"an etcd gofail failpoint, e.g. walBeforeSync (before the WAL's fsync: a slow disk), raftBeforeSave, beforeCommit (bbolt commit), raftBeforeLeaderSend; GET http://127.0.0.1:22381/ in a control-plane node lists them"`
	Action    string `yaml:"action" doc:"a gofail term: sleep(MILLISECONDS), panic, pause, print, off, return; optionally PERCENT% and COUNT* before it, e.g. sleep(500), 50%sleep(200), 1*panic"`
}

// failpointAddr is where the offline image's etcd serves its failpoints
// (hack/node-image/etcd-failpoints sets GOFAIL_HTTP in each node).
const failpointAddr = "http://127.0.0.1:22381/"

var (
	failpointRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,63}$`)
	// termRE: gofail's term grammar without chains (->) and without
	// return values that would need quoting.
	termRE = regexp.MustCompile(`^([0-9]{1,3}(\.[0-9]+)?%)?([0-9]{1,6}\*)?(off|panic|pause|print|break|return|sleep\([0-9]{1,6}\))$`)
)

var failpointSpec = Spec{
	Type: "etcd-failpoint",
	Doc: "enable one of etcd's own gofail failpoints in the etcd member(s) of the node(s) for the duration, e.g. " +
		"walBeforeSync=sleep(500): every WAL fsync stalls 500ms while etcd runs (a slow disk, unlike pause); needs the offline node image",
	NeedsDuration: true,
	Targets:       TargetNode,
	NewParams:     func() any { return &FailpointParams{} },
	New:           newFailpoint,
}

type failpoint struct {
	c      Common
	p      FailpointParams
	inject []Step // resolved by Plan
	nodes  []clusters.Node
}

func newFailpoint(c Common, params any) (Fault, field.ErrorList) {
	p := *params.(*FailpointParams)
	path := field.NewPath("params")
	var errs field.ErrorList
	if !failpointRE.MatchString(p.Failpoint) {
		errs = append(errs, field.Invalid(path.Child("failpoint"), p.Failpoint, "not a failpoint name, such as walBeforeSync or raftBeforeSave"))
	}
	if !termRE.MatchString(p.Action) {
		errs = append(errs, field.Invalid(path.Child("action"), p.Action,
			"not a gofail term; expected [PERCENT%][COUNT*]ACTION with ACTION sleep(MILLISECONDS), panic, pause, print, break, return or off, such as sleep(500)"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &failpoint{c: c, p: p}, nil
}

// setFailpoint: $1 URL, $2 term. PUTs the term; says when this etcd has no
// failpoints (not the offline image) or not this one.
const setFailpoint = `out=$(curl -sS --max-time 10 -X PUT --data-binary "$2" -w ' HTTP%{http_code}' "$1" 2>&1) || {
  echo "etcd serves no failpoints at $1 ($out): is the node image the offline one (make node-image), which builds etcd with gofail?"; exit 1; }
case "$out" in
  *" HTTP204") echo "failpoint $1 set to $2";;
  *) echo "etcd refused failpoint $1=$2: $out"; exit 1;;
esac`

// clearFailpoint: $1 URL. DELETEs the failpoint; an etcd that is not
// running (it lost the failpoint when it stopped) or a failpoint that is
// already off needs nothing.
const clearFailpoint = `curl -sS --max-time 10 -X DELETE "$1" >/dev/null 2>&1; true`

// Plan resolves the etcd members (one per control-plane node chosen);
// the revert turns the failpoint off in each.
func (f *failpoint) Plan(ctx context.Context, env Env) (Revert, error) {
	nodes, err := f.c.Target.nodes(ctx, env)
	if err != nil {
		return Revert{}, err
	}
	url := failpointAddr + f.p.Failpoint
	f.inject, f.nodes = nil, nodes
	rev := Revert{Fault: f.c.Name, Type: failpointSpec.Type}
	for _, n := range nodes {
		f.inject = append(f.inject, Step{Node: n.Name(), Argv: script(setFailpoint, url, f.p.Action)})
		rev.Steps = append(rev.Steps, Step{Node: n.Name(), Argv: script(clearFailpoint, url)})
	}
	return rev, nil
}

// Inject enables the failpoint in every chosen member.
func (f *failpoint) Inject(ctx context.Context, env Env) error {
	return runSteps(ctx, env.Cluster, "etcd-failpoint "+f.p.Failpoint, f.inject)
}

// failpointCount: $1 the failpoint's URL. Prints how many times etcd
// evaluated the failpoint's term since it was set (gofail's GET
// /NAME/count, go.etcd.io/gofail v0.2.0 runtime/http.go).
const failpointCount = `curl -sS --max-time 10 -f "$1/count"`

// Evidence: every chosen member executed the failpoint's term at least
// once by the end of the window (gofail counts the executions since the
// term was set). A failpoint on a path etcd never took (a name that
// exists but is never reached under the load) counts 0.
func (f *failpoint) Evidence(ctx context.Context, env Env) Evidence {
	url := failpointAddr + f.p.Failpoint
	return poll(ctx, func() (Evidence, bool) {
		var seen, none []string
		for _, n := range f.nodes {
			out, err := n.Exec(ctx, nil, script(failpointCount, url)...)
			k, perr := strconv.Atoi(strings.TrimSpace(string(out)))
			switch {
			case err != nil || perr != nil:
				none = append(none, fmt.Sprintf("%s: could not read the count (%v: %s)", n.Name(), err, strings.TrimSpace(string(out))))
			case k == 0:
				none = append(none, n.Name()+": executed 0 times")
			default:
				seen = append(seen, fmt.Sprintf("%s: executed %d times", n.Name(), k))
			}
		}
		if len(none) > 0 {
			return missing("failpoint %s=%s did not run in every member: %s", f.p.Failpoint, f.p.Action, strings.Join(append(none, seen...), "; ")), false
		}
		return took("failpoint %s=%s ran: %s", f.p.Failpoint, f.p.Action, strings.Join(seen, "; ")), true
	})
}
