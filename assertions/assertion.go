// Package assertions holds the SLOs and invariants a scenario asserts. Each
// assertion is a pure function over a recorded timeline, so it is unit-tested
// on recorded timelines without a cluster.
package assertions

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/scenarios/catalog"
	"github.com/harness-dev/harness/timeline"
)

// Status is the outcome of an assertion.
type Status string

// Statuses.
const (
	Pending Status = "pending" // not decided yet; evaluate again later
	Passed  Status = "passed"
	Failed  Status = "failed"
	// Inconclusive: not judged, because a fault it is measured from shows
	// no evidence that it took effect (a recovery after a fault that did
	// nothing proves nothing). The run exits 3.
	Inconclusive Status = "inconclusive"
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
	// From names the moment the SLO is measured from: one of
	// timeline.AssertionMoments (steady-state, faults.start, faults.end,
	// <fault>.start, <fault>.end), or for a steady-state check one of
	// timeline.SteadyStateMoments.
	From string
	// Within is the SLO: the assertion must hold within this duration of From.
	Within time.Duration
	// Until, when set, makes the assertion an invariant (a scenario's
	// `during`): it must hold throughout the window from the moment From to
	// the moment Until, and its verdict reports the first violation and its
	// time; Within is then zero. Types that judge availability over a window
	// (httpAvailable, dnsResolves) judge it over that window instead.
	Until string
}

// Invariant reports whether c is the `during` form.
func (c Common) Invariant() bool { return c.Until != "" }

// Window describes the window of c for messages: "the 30s after X" or
// "X to Y".
func (c Common) window() string {
	if c.Invariant() {
		return "the window " + c.From + " to " + c.Until
	}
	return fmt.Sprintf("the %s after %s", c.Within, c.From)
}

// Assertion judges a timeline.
type Assertion interface {
	// Evaluate judges the timeline as the view replays it at its Now. It
	// returns Pending while the outcome is not decided. Once Now is at or
	// after the moment From plus Within, it returns Pending only while the
	// recorder is blind (an apiserver outage it has not relisted after) or
	// for a few seconds of settling; the runner fails what is still pending
	// when its observation times out. A decided verdict depends only on the
	// events up to the end of its window (plus any settling or stability
	// time): evaluated later, over more events, it is the same.
	Evaluate(v *timeline.View) Verdict
}

// Probe is what an assertion asks the harness to do besides watching:
// act at the assertion's From moment, or observe what the watches cannot
// see. The harness records what it did on the timeline, and the assertion
// judges that. Exactly one field is set.
type Probe struct {
	// Deployment: a probe Deployment created before the faults and scaled
	// up at From (podsCreatable); the mark timeline.ProbeStarted(name) is
	// recorded when the scale-up was accepted.
	Deployment *DeploymentProbe
	// HTTP: a data-plane HTTP probe sent from the start of the observation
	// until its end (httpAvailable), each answer an HTTPProbed event.
	HTTP *HTTPProbe
	// DNS: a DNS query sent from the start of the observation until its
	// end (dnsResolves), each answer a DNSProbed event.
	DNS *DNSProbe
	// Metric: a metric scraped from the start of the observation until its
	// end (metric), each scrape a MetricScraped event.
	Metric *MetricProbe
	// Log: the logs of Pods followed from the start of the observation
	// until its end (logLine), each matching line a LogMatched event.
	Log *LogProbe
	// Apply: an object applied at From and deleted when the probes stop
	// (reconciles); the mark timeline.ProbeApplying(name) is recorded
	// before the first attempt, timeline.ProbeStarted(name) when the
	// apiserver accepted it.
	Apply *ApplyProbe
}

// DeploymentProbe is a Deployment of pause containers, with zero replicas
// until the probe acts.
type DeploymentProbe struct {
	Namespace, Name string
	// Replicas is the replica count the Deployment is scaled to at From.
	Replicas int32
	// Labels are set on the probe Pods' template.
	Labels map[string]string
	// Node, when set, pins the Pods to the nodes it names (a node name or
	// role, clusters.Cluster.Select) with a node affinity on their
	// hostnames; empty lets them land on any node (every NoSchedule taint
	// is tolerated).
	Node string
}

// Prober is implemented by assertions that need a Probe.
type Prober interface {
	Probe() Probe
}

// Spec describes one assertion type for the registry.
type Spec struct {
	Type string
	// Doc is a one-line description for `harness list`.
	Doc string
	// Invariant: the type has the invariant form (a scenario's `during`,
	// Common.Until) besides the SLO form.
	Invariant bool
	// NewParams returns a pointer to a zero parameter struct; the scenario
	// decoder decodes `params:` into it strictly (yaml tags name the fields,
	// `doc` tags describe them for `harness list`).
	NewParams func() any
	// New builds the assertion from its common fields and decoded params.
	// Errors name their field (params.x) for the decoder to point at.
	New func(c Common, params any) (Assertion, field.ErrorList)
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
		objectStateSpec,
		reconcilesSpec,
		metricSpec,
		dnsResolvesSpec,
		logLineSpec,
		nodeReadySpec,
	}
}

// TypeName names the spec in the registry.
func (s Spec) TypeName() string { return s.Type }

// Lookup returns the spec of an assertion type.
func Lookup(typ string) (Spec, bool) { return catalog.Lookup(Registry(), typ) }

// InvariantTypes lists the types that have the invariant form, for error
// messages.
func InvariantTypes() []string {
	var out []string
	for _, s := range Registry() {
		if s.Invariant {
			out = append(out, s.Type)
		}
	}
	return out
}

// Types returns the names of all assertion types, for error messages.
func Types() []string { return catalog.Names(Registry()) }
