// Package scenarios holds the scenario schema and its strict decoder, and
// the stock scenario files (*.yaml) beside it.
//
// A scenario is decoded in two passes: first the document itself, where an
// unknown field is an error; then each fault's and assertion's `params`,
// strictly, into the parameter struct of its `type`.
package scenarios

import (
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
)

// APIVersion and Kind of scenario documents.
const (
	APIVersion = "harness.dev/v1alpha1"
	Kind       = "Scenario"
)

// Scenario is a decoded and validated scenario file.
type Scenario struct {
	File        string
	Metadata    Metadata
	Parameters  []Parameter
	Cluster     Cluster
	Setup       Setup
	SteadyState []AssertionEntry
	Faults      []FaultEntry
	Assertions  []AssertionEntry
}

// Metadata names and describes a scenario.
type Metadata struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Labels      map[string]string `yaml:"labels"`
}

// Cluster says what cluster a scenario runs on.
type Cluster struct {
	Provider          string `yaml:"provider"`
	NodeImage         string `yaml:"nodeImage"`
	KubernetesVersion string `yaml:"kubernetesVersion"`
	// ControlPlanes is the number of control-plane nodes (0 means 1).
	ControlPlanes int    `yaml:"controlPlanes"`
	Workers       int    `yaml:"workers"`
	Reuse         string `yaml:"reuse"`
	// Isolated asks for a cluster of the scenario's own, never shared with
	// the other scenarios of a suite (harness run FILE...).
	Isolated                bool     `yaml:"isolated"`
	KubeadmConfigPatches    []string `yaml:"kubeadmConfigPatches"`
	ContainerdConfigPatches []string `yaml:"containerdConfigPatches"`
}

// Setup is what is installed before the steady state is checked.
type Setup struct {
	// Manifests are resolved relative to the scenario file.
	Manifests []string
	Images    []string
	WaitFor   []WaitFor
	// imageAt is FILE:LINE:COL of each image, for the errors of its
	// substitution.
	imageAt []string
}

// WaitFor names an object to wait for (see WaitKinds), or an object of any
// kind (with APIVersion) whose status condition Condition must be True.
type WaitFor struct {
	Kind, Namespace, Name string
	APIVersion, Condition string
	Timeout               time.Duration
}

// FaultEntry is one fault of a scenario.
type FaultEntry struct {
	Name     string
	Type     string
	Target   faults.Target
	Params   any
	At       time.Duration
	After    string
	Duration time.Duration
	// Trigger, when set, starts the fault on an event (At and After are
	// then zero).
	Trigger *TriggerEntry
	// ExpectNoEffect declares a deliberately harmless fault (a control):
	// its missing evidence makes no assertion inconclusive.
	ExpectNoEffect bool
	Fault          faults.Fault
	Line           int
}

// AssertionEntry is one assertion (or steady-state check) of a scenario.
type AssertionEntry struct {
	Name   string
	Type   string
	From   string
	Within time.Duration
	// Until is set for an invariant (`during`): the assertion must hold
	// from the moment From to the moment Until; Within is then zero.
	Until     string
	Params    any
	Assertion assertions.Assertion
	Line      int
}

// Providers are the valid cluster providers; the first is the default.
var Providers = []string{"kind"}

// MaxControlPlanes bounds cluster.controlPlanes: etcd wants an odd number of
// members, and more than 5 control planes gain nothing on one host.
const MaxControlPlanes = 5
