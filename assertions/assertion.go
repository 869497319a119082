// Package assertions holds the SLOs and invariants a scenario asserts. Each
// assertion is a pure function over a recorded timeline, so it is unit-tested
// on recorded timelines without a cluster.
package assertions

import (
	"time"

	"github.com/harness-dev/harness/internal/registry"
	"github.com/harness-dev/harness/internal/timeline"
)

// Status is the outcome of an assertion.
type Status string

// Statuses.
const (
	Pending Status = "pending" // not decided yet; evaluate again later
	Passed  Status = "passed"
	Failed  Status = "failed"
)

// Verdict is the judgement of one assertion over a timeline.
type Verdict struct {
	Status Status `json:"status"`
	// SLO is the duration the assertion allows (its `within`).
	SLO time.Duration `json:"slo"`
	// Measured is the measured recovery (or holding) time, when Measurable.
	Measured   time.Duration `json:"measured"`
	Measurable bool          `json:"measurable"`
	// Message explains the verdict; for a failure it names what did not
	// recover, the SLO and the measured time.
	Message string `json:"message"`
}

// Common holds the fields every assertion of a scenario has.
type Common struct {
	// Name identifies the assertion in reports.
	Name string
	// From names the moment the SLO is measured from: "<fault>.start",
	// "<fault>.end", "faults.start", "faults.end" or "steady-state".
	From string
	// Within is the SLO: the assertion must hold within this duration of From.
	Within time.Duration
}

// Assertion judges a timeline.
type Assertion interface {
	// Evaluate judges events (the timeline recorded so far) at offset now.
	// It returns Pending while the outcome is not decided. Once now is at or
	// after the moment From plus Within, it returns Pending only while the
	// recorder is blind (an apiserver outage it has not relisted after) or
	// for a few seconds of settling; the runner fails what is still pending
	// when its observation times out.
	Evaluate(events []timeline.Event, now time.Duration) Verdict
}

// Probe is an action the runner performs at the assertion's From moment,
// for assertions that measure the cluster's reaction to a request (such as
// podsCreatable scaling up a probe Deployment). The runner records the mark
// ProbeMark(name) when the action was sent.
type Probe struct {
	// Namespace and Deployment name the probe Deployment; the runner creates
	// it (with pause containers) before the faults and scales it at From.
	Namespace  string
	Deployment string
	// Replicas is the replica count the Deployment is scaled to.
	Replicas int32
	// Labels are set on the probe Pods' template.
	Labels map[string]string
}

// Prober is implemented by assertions that need a Probe.
type Prober interface {
	Probe() Probe
}

// ProbeMark is the timeline mark the runner records when it starts the probe
// of the named assertion.
func ProbeMark(assertion string) string { return "probe/" + assertion }

// Spec describes one assertion type for the registry.
type Spec struct {
	Type string
	// Doc is a one-line description for `harness list`.
	Doc string
	// NewParams returns a pointer to a zero parameter struct; the scenario
	// decoder decodes `params:` into it strictly (yaml tags name the fields,
	// `doc` tags describe them for `harness list`).
	NewParams func() any
	// New builds the assertion from its common fields and decoded params. It
	// returns an error, naming the field, for invalid params.
	New func(c Common, params any) (Assertion, error)
}

// Registry lists every assertion type, in the order `harness list` shows.
func Registry() []Spec {
	return []Spec{
		leaseHeldSpec,
		podsCreatableSpec,
		componentReadySpec,
		noCrashLoopSpec,
		noRestartsSpec,
		httpAvailableSpec,
	}
}

// TypeName names the spec in the registry.
func (s Spec) TypeName() string { return s.Type }

// Lookup returns the spec of a assertion type.
func Lookup(typ string) (Spec, bool) { return registry.Lookup(Registry(), typ) }

// Types returns the names of all assertion types, for error messages.
func Types() []string { return registry.Names(Registry()) }
