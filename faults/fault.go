// Package faults holds the faults a scenario injects. Each fault type lives
// in its own file behind the Fault interface and is listed in Registry.
//
// A fault is planned first: Plan resolves its targets and returns the Revert
// that undoes it. The lifecycle writes that Revert to the on-disk journal
// before Inject runs, so that `harness cleanup` can undo the fault even after
// the harness was killed. Reverts are lists of argument vectors run inside
// nodes and are idempotent: running one twice, or for a fault that was never
// injected, is harmless. No string of a scenario reaches a shell: see
// scripts.go.
package faults

import (
	"context"
	"log/slog"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/scenarios/catalog"
)

// Env is what a fault acts on.
type Env struct {
	Cluster *clusters.Cluster
	Client  kubernetes.Interface
	// RunID tags everything the run injects (iptables comments, files), so
	// that cleanup can find it.
	RunID string
	Log   *slog.Logger
	// Note, when set, receives what Plan resolved that the scenario did
	// not say (the node a leader: reference named), for the timeline.
	Note func(string)
}

func (e Env) note(s string) {
	if e.Note != nil {
		e.Note(s)
	}
}

// Step is one command of an injection or a revert, run in a node.
type Step struct {
	Node string `json:"node"`
	// Action is empty for a command run in the node, or ActionStartNode.
	Action string   `json:"action,omitempty"`
	Argv   []string `json:"argv,omitempty"`
	Stdin  []byte   `json:"stdin,omitempty"`
}

// ActionStartNode boots a powered-off node (a clusters.PowerCycler).
const ActionStartNode = "start-node"

// Revert undoes a fault.
type Revert struct {
	Fault string `json:"fault"`
	Type  string `json:"type"`
	Steps []Step `json:"steps,omitempty"`
}

// Fault is one injectable fault.
type Fault interface {
	// Plan resolves the targets and returns how to undo the fault.
	Plan(ctx context.Context, env Env) (Revert, error)
	// Inject injects the fault.
	Inject(ctx context.Context, env Env) error
}

// HostNeeder is a Fault that needs something of the host besides the
// cluster (clusters.NeedNetCls); the runner asks the provider for it before
// the cluster is created, so a host that cannot offer it fails early.
type HostNeeder interface {
	HostNeeds() []string
}

// Common holds the fields every fault of a scenario has.
type Common struct {
	Name   string
	Target Target
	// Duration is how long the fault lasts before the lifecycle reverts it;
	// zero for instant faults such as kill.
	Duration time.Duration
}

// Spec describes one fault type for the registry.
type Spec struct {
	Type string
	Doc  string
	// NeedsDuration is true when the fault lasts until reverted.
	NeedsDuration bool
	// Targets are the target fields the type takes; Build refuses others.
	Targets Targets
	// NewParams returns a pointer to a zero parameter struct (yaml and doc
	// tags), or is nil for a type without parameters.
	NewParams func() any
	// New builds the fault from a target Build has checked; errors name
	// their field (params.x, target.x).
	New func(c Common, params any) (Fault, field.ErrorList)
}

// Build checks the target against the type's Targets, then builds the
// fault. Errors name their field (target.x, params.x) for the decoder to
// point at.
func (s Spec) Build(c Common, params any) (Fault, field.ErrorList) {
	if errs := s.Targets.validate(s.Type, c.Target); len(errs) > 0 {
		return nil, errs
	}
	return s.New(c, params)
}

// Registry lists every fault type, in the order `harness list` shows.
func Registry() []Spec {
	return []Spec{
		killSpec,
		partitionSpec,
		pauseSpec,
		rebootSpec,
		staticPodsSpec,
		networkSpec,
		expireCertsSpec,
		deleteCRDsSpec,
		rejectSpec,
		staleSpec,
		failpointSpec,
	}
}

// TypeName names the spec in the registry.
func (s Spec) TypeName() string { return s.Type }

// Lookup returns the spec of a fault type.
func Lookup(typ string) (Spec, bool) { return catalog.Lookup(Registry(), typ) }

// Types returns the names of all fault types, for error messages.
func Types() []string { return catalog.Names(Registry()) }
