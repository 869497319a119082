// Package result is the outcome of running one scenario, as the reports
// write it.
package result

import (
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/timeline"
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
}

// Assertion is the verdict of one assertion (or steady-state check).
type Assertion struct {
	Name string
	Type string
	From string
	assertions.Verdict
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

// ExitCode is ExitPassed when the run passed, ExitFailed when an assertion
// failed or was still pending at the end, and ExitError when the run could
// not be judged. It never returns 2 (bad usage), which is the caller's.
func (r *Run) ExitCode() int {
	switch {
	case r.Error != nil:
		return ExitError
	case r.Passed():
		return ExitPassed
	}
	return ExitFailed
}
