// Package result is the outcome of running one scenario, as the reports
// write it.
package result

import (
	"encoding/json"
	"math"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/timeline"
)

// APIVersion versions the JSON form of a Run.
const APIVersion = "harness.dev/result/v1alpha1"

// Run is the outcome of one scenario run.
type Run struct {
	Scenario    string        `json:"scenario"`
	File        string        `json:"file"`
	Description string        `json:"description,omitempty"`
	Seed        int64         `json:"seed"`
	RunID       string        `json:"runID"`
	Started     time.Time     `json:"started"`
	Duration    time.Duration `json:"-"`
	Cluster     Cluster       `json:"cluster"`
	Faults      []Fault       `json:"faults"`
	SteadyState []Assertion   `json:"steadyState,omitempty"`
	Assertions  []Assertion   `json:"assertions"`
	// Error is set when the run could not be judged.
	Error    *RunError        `json:"error,omitempty"`
	Timeline []timeline.Event `json:"-"`
}

// Cluster describes the cluster a run used.
type Cluster struct {
	Name              string `json:"name"`
	Provider          string `json:"provider"`
	NodeImage         string `json:"nodeImage"`
	KubernetesVersion string `json:"kubernetesVersion"`
	Created           bool   `json:"created"`
}

// Fault is what happened to one fault.
type Fault struct {
	Name     string        `json:"name"`
	Type     string        `json:"type"`
	Target   string        `json:"target"`
	Start    time.Duration `json:"-"`
	End      time.Duration `json:"-"`
	Injected bool          `json:"injected"`
	Error    string        `json:"error,omitempty"`
}

// Assertion is the verdict of one assertion.
type Assertion struct {
	Name string `json:"name"`
	Type string `json:"type"`
	From string `json:"from"`
	assertions.Verdict
}

// RunError says why a run could not be judged.
type RunError struct {
	// Phase: journal, cluster, setup, observe, steady-state, fault, revert,
	// cleanup, panic.
	Phase   string `json:"phase"`
	Message string `json:"message"`
}

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

// ExitCode is 0 when the run passed, 1 when an assertion failed, 3 when the
// run could not be judged.
func (r *Run) ExitCode() int {
	switch {
	case r.Error != nil:
		return 3
	case r.Passed():
		return 0
	}
	return 1
}

// Seconds rounds a duration to milliseconds, in seconds, for JSON.
func Seconds(d time.Duration) float64 {
	return math.Round(d.Seconds()*1000) / 1000
}

// MarshalJSON writes durations as seconds and adds the API version.
func (r *Run) MarshalJSON() ([]byte, error) {
	type plain Run
	return json.Marshal(struct {
		APIVersion string  `json:"apiVersion"`
		Passed     bool    `json:"passed"`
		Duration   float64 `json:"durationSeconds"`
		*plain
	}{APIVersion, r.Passed(), Seconds(r.Duration), (*plain)(r)})
}

// MarshalJSON writes the fault window in seconds of the timeline.
func (f Fault) MarshalJSON() ([]byte, error) {
	type plain Fault
	return json.Marshal(struct {
		plain
		Start float64 `json:"startSeconds"`
		End   float64 `json:"endSeconds"`
	}{plain(f), Seconds(f.Start), Seconds(f.End)})
}

// MarshalJSON writes the SLO and the measured time in seconds.
func (a Assertion) MarshalJSON() ([]byte, error) {
	out := struct {
		Name     string   `json:"name"`
		Type     string   `json:"type"`
		From     string   `json:"from"`
		Status   string   `json:"status"`
		SLO      float64  `json:"sloSeconds"`
		Measured *float64 `json:"measuredSeconds,omitempty"`
		Message  string   `json:"message"`
	}{Name: a.Name, Type: a.Type, From: a.From, Status: string(a.Status), SLO: Seconds(a.SLO), Message: a.Message}
	if a.Measurable {
		m := Seconds(a.Measured)
		out.Measured = &m
	}
	return json.Marshal(out)
}
