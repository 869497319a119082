// Package faults holds the faults a scenario injects. Each fault type lives
// in its own file behind the Fault interface and is listed in Registry.
//
// A fault is planned first: Plan resolves its targets and returns the Revert
// that undoes it. The runner writes that Revert to the on-disk journal before
// Inject runs, so that `harness cleanup` can undo the fault even after the
// harness was killed. Reverts are lists of commands run inside nodes and are
// idempotent: running one twice, or for a fault that was never injected, is
// harmless.
package faults

import (
	"context"
	"log/slog"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/internal/registry"
)

// Target says what a fault hits. Which fields apply depends on the fault.
type Target struct {
	// Component is a control-plane static pod: kube-apiserver,
	// kube-controller-manager, kube-scheduler or etcd.
	Component string `yaml:"component,omitempty" json:"component,omitempty"`
	// Node is a node name, or a role: "control-plane" (the default for
	// components) or "worker".
	Node string `yaml:"node,omitempty" json:"node,omitempty"`
	// Namespace and Selector (a label selector) choose Pods.
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	Selector  string `yaml:"selector,omitempty" json:"selector,omitempty"`
	// Container names the container of the chosen Pods.
	Container string `yaml:"container,omitempty" json:"container,omitempty"`
	// Process is a process name (as in /proc/PID/comm) inside the target
	// container, to hit a child process.
	Process string `yaml:"process,omitempty" json:"process,omitempty"`
}

// Env is what a fault acts on.
type Env struct {
	Cluster *clusters.Cluster
	Client  kubernetes.Interface
	// RunID tags everything the run injects (iptables comments, files), so
	// that cleanup can find it.
	RunID string
	Log   *slog.Logger
}

// Step is one command of a Revert.
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

// Common holds the fields every fault of a scenario has.
type Common struct {
	Name   string
	Target Target
	// Duration is how long the fault lasts before the runner reverts it;
	// zero for instant faults such as kill.
	Duration time.Duration
}

// Spec describes one fault type for the registry.
type Spec struct {
	Type string
	Doc  string
	// NeedsDuration is true when the fault lasts until reverted.
	NeedsDuration bool
	// NewParams returns a pointer to a zero parameter struct (yaml and doc tags).
	NewParams func() any
	// New builds the fault; it returns an error naming the field for invalid
	// params or targets.
	New func(c Common, params any) (Fault, error)
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
	}
}

// TypeName names the spec in the registry.
func (s Spec) TypeName() string { return s.Type }

// Lookup returns the spec of a fault type.
func Lookup(typ string) (Spec, bool) { return registry.Lookup(Registry(), typ) }

// Types returns the names of all fault types, for error messages.
func Types() []string { return registry.Names(Registry()) }
