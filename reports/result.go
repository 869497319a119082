package reports

import (
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/timeline"
)

// APIVersion versions the JSON form of a Run.
const APIVersion = "harness.dev/result/v1alpha1"

// Exit codes of a run, as `harness run` returns them.
const (
	ExitPassed = 0 // every assertion passed
	ExitFailed = 1 // an assertion failed, or was still pending at the end
	ExitError  = 3 // the run could not be judged (infrastructure, precondition)
)

// Run is the outcome of one scenario run. Its JSON form (see json.go) has
// durations in seconds; the timeline is written on its own, one event per
// line, and is not part of it.
type Run struct {
	Scenario    string
	File        string
	Description string
	Seed        int64
	// Parameters are the scenario's parameter values of this run.
	Parameters map[string]string
	RunID      string
	Started    time.Time
	Duration   time.Duration
	Cluster    Cluster
	Faults     []Fault
	// SteadyState holds the verdicts of the steady-state checks.
	SteadyState []Assertion
	Assertions  []Assertion
	// Error is set when the run could not be judged.
	Error    *RunError
	Timeline []timeline.Event
	// Artifacts are files collected for a person to read (logs, events,
	// lease history), written under the report directory.
	Artifacts []Artifact
}

// Artifact is one collected file.
type Artifact struct {
	// Path is relative to the report directory (slash-separated).
	Path string `json:"path"`
	// Title says what the file holds.
	Title string `json:"title"`
}

// Cluster describes the cluster a run used.
type Cluster struct {
	Name              string `json:"name"`
	Provider          string `json:"provider"`
	NodeImage         string `json:"nodeImage"`
	KubernetesVersion string `json:"kubernetesVersion"`
	// Created is true when the run created the cluster (and deletes it).
	Created bool `json:"created"`
	// Shared is true when the cluster also ran other scenarios of a suite
	// (it was brought back to a known state before this run).
	Shared bool `json:"shared,omitempty"`
	// Reset is how long bringing the shared cluster back to a known state
	// took before this run.
	Reset Seconds `json:"resetSeconds,omitempty"`
	// Replaced says why the suite replaced the shared cluster by a fresh one
	// before this run (it could not be brought back in time).
	Replaced string `json:"replaced,omitempty"`
	// Dirty says what this run left behind on a cluster that outlives it
	// (what the setup applied not gone, a fault not reverted).
	Dirty string `json:"dirty,omitempty"`
}

// Fault is what happened to one fault.
type Fault struct {
	Name string
	Type string
	// Target is the target, for people ("kube-controller-manager on
	// control-plane").
	Target string
	// Start and End are the fault window, as offsets of the timeline.
	Start, End time.Duration
	Injected   bool
	Error      string
	// Trigger, for a fault started on an event, says what fired it;
	// Triggered is when the harness saw it, and TriggerLatency the time
	// from then to the injection, without the scenario's own delay.
	Trigger        string
	Triggered      time.Duration
	TriggerLatency time.Duration
	// Evidence is what the system showed of the fault; nil when it was not
	// injected.
	Evidence *Evidence
}

// Evidence is what the system showed of a fault: the proof that it took
// effect, or what was missing and what was observed instead.
type Evidence struct {
	Took     bool   `json:"took"`
	Observed string `json:"observed"`
	// ExpectNoEffect is true for a fault the scenario declares harmless (a
	// control): its missing evidence makes nothing inconclusive.
	ExpectNoEffect bool `json:"expectNoEffect,omitempty"`
	// Seconds is how long gathering it took.
	Seconds Seconds `json:"seconds"`
}

// Conclusive reports whether assertions measured from the fault can be
// judged: it showed its effect, or was declared without one.
func (e *Evidence) Conclusive() bool { return e == nil || e.Took || e.ExpectNoEffect }

// Assertion is the verdict of one assertion (or steady-state check).
type Assertion struct {
	Name string
	Type string
	From string
	assertions.Verdict
	// Decided is the offset of the timeline at which the verdict was
	// decided (zero when it was not).
	Decided time.Duration
}

// RunError says why a run could not be judged.
type RunError struct {
	// Phase: journal, cluster, setup, observe, steady-state, fault, revert,
	// cleanup, panic.
	Phase   string `json:"phase"`
	Message string `json:"message"`
}

// Error returns "<phase>: <message>".
func (e *RunError) Error() string { return e.Phase + ": " + e.Message }

// Passed reports whether the run was judged and every assertion passed.
func (r *Run) Passed() bool {
	if r.Error != nil {
		return false
	}
	for _, a := range r.Assertions {
		if a.Status != assertions.Passed {
			return false
		}
	}
	return true
}

// Inconclusive reports whether an assertion could not be judged because a
// fault it is measured from showed no evidence of its effect.
func (r *Run) Inconclusive() bool {
	for _, a := range r.Assertions {
		if a.Status == assertions.Inconclusive {
			return true
		}
	}
	return false
}

// ExitCode is ExitPassed when the run passed, ExitFailed when an assertion
// failed or was still pending at the end, and ExitError when the run could
// not be judged (an error, or an assertion inconclusive). It never returns
// 2 (bad usage), which is the caller's.
func (r *Run) ExitCode() int {
	switch {
	case r.Error != nil || r.Inconclusive():
		return ExitError
	case r.Passed():
		return ExitPassed
	}
	return ExitFailed
}
