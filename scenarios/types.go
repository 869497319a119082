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
	Provider                string   `yaml:"provider"`
	NodeImage               string   `yaml:"nodeImage"`
	KubernetesVersion       string   `yaml:"kubernetesVersion"`
	Workers                 int      `yaml:"workers"`
	Reuse                   string   `yaml:"reuse"`
	KubeadmConfigPatches    []string `yaml:"kubeadmConfigPatches"`
	ContainerdConfigPatches []string `yaml:"containerdConfigPatches"`
}

// Setup is what is installed before the steady state is checked.
type Setup struct {
	// Manifests are resolved relative to the scenario file.
	Manifests []string
	Images    []string
	WaitFor   []WaitFor
}

// WaitFor names an object to wait for: a Deployment, DaemonSet or Pod.
type WaitFor struct {
	Kind, Namespace, Name string
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
	Fault   faults.Fault
	Line    int
}

// AssertionEntry is one assertion (or steady-state check) of a scenario.
type AssertionEntry struct {
	Name      string
	Type      string
	From      string
	Within    time.Duration
	Params    any
	Assertion assertions.Assertion
	Line      int
}

// FixedMoments are the moments besides "<fault>.start" and "<fault>.end"
// that assertions may name in `from`.
var FixedMoments = []string{"steady-state", "faults.start", "faults.end"}

// SteadyStateMoments are the moments steady-state checks may name in
// `from`; the first is the default.
var SteadyStateMoments = []string{"steady-state", "run.start"}

// Providers are the valid cluster providers; the first is the default.
var Providers = []string{"kind"}
