package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/harness-dev/harness/assertions"
)

// Seconds is a duration that JSON reads as seconds, rounded to the
// millisecond: 18.3, not 18300000000.
type Seconds time.Duration

// Float returns s in seconds, rounded to the millisecond.
func (s Seconds) Float() float64 {
	return math.Round(time.Duration(s).Seconds()*1000) / 1000
}

// MarshalJSON writes s as a number of seconds.
func (s Seconds) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, s.Float(), 'f', -1, 64), nil
}

// UnmarshalJSON reads a number of seconds.
func (s *Seconds) UnmarshalJSON(data []byte) error {
	var f float64
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("duration in seconds: %w", err)
	}
	*s = Seconds(math.Round(f * float64(time.Second)))
	return nil
}

// runJSON is the JSON form of a Run. Passed and ExitCode are derived; they
// are written for readers and ignored when read.
type runJSON struct {
	APIVersion  string            `json:"apiVersion"`
	Scenario    string            `json:"scenario"`
	File        string            `json:"file"`
	Description string            `json:"description,omitempty"`
	Seed        int64             `json:"seed"`
	Parameters  map[string]string `json:"parameters,omitempty"`
	RunID       string            `json:"runID"`
	Started     time.Time         `json:"started"`
	Duration    Seconds           `json:"durationSeconds"`
	Passed      bool              `json:"passed"`
	ExitCode    int               `json:"exitCode"`
	Cluster     Cluster           `json:"cluster"`
	Faults      []Fault           `json:"faults"`
	SteadyState []Assertion       `json:"steadyState,omitempty"`
	Assertions  []Assertion       `json:"assertions"`
	Error       *RunError         `json:"error,omitempty"`
	Artifacts   []Artifact        `json:"artifacts,omitempty"`
}

// MarshalJSON writes the run with its API version and durations in seconds.
func (r Run) MarshalJSON() ([]byte, error) {
	return json.Marshal(runJSON{
		APIVersion: APIVersion, Scenario: r.Scenario, File: r.File, Description: r.Description,
		Seed: r.Seed, Parameters: r.Parameters, RunID: r.RunID, Started: r.Started, Duration: Seconds(r.Duration),
		Passed: r.Passed(), ExitCode: r.ExitCode(), Cluster: r.Cluster, Faults: r.Faults,
		SteadyState: r.SteadyState, Assertions: r.Assertions, Error: r.Error, Artifacts: r.Artifacts,
	})
}

// UnmarshalJSON reads what MarshalJSON wrote (without the timeline).
func (r *Run) UnmarshalJSON(data []byte) error {
	var in runJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	if in.APIVersion != APIVersion {
		return fmt.Errorf("result apiVersion %q, want %q", in.APIVersion, APIVersion)
	}
	*r = Run{
		Scenario: in.Scenario, File: in.File, Description: in.Description,
		Seed: in.Seed, Parameters: in.Parameters, RunID: in.RunID, Started: in.Started, Duration: time.Duration(in.Duration),
		Cluster: in.Cluster, Faults: in.Faults, SteadyState: in.SteadyState,
		Assertions: in.Assertions, Error: in.Error, Artifacts: in.Artifacts,
	}
	return nil
}

type faultJSON struct {
	Name     string  `json:"name"`
	Type     string  `json:"type"`
	Target   string  `json:"target"`
	Start    Seconds `json:"startSeconds"`
	End      Seconds `json:"endSeconds"`
	Injected bool    `json:"injected"`
	Error    string  `json:"error,omitempty"`
	// Trigger fields are set for faults started on an event.
	Trigger        string    `json:"trigger,omitempty"`
	Triggered      *Seconds  `json:"triggeredSeconds,omitempty"`
	TriggerLatency *Seconds  `json:"triggerLatencySeconds,omitempty"`
	Evidence       *Evidence `json:"evidence,omitempty"`
}

// MarshalJSON writes the fault window in seconds of the timeline.
func (f Fault) MarshalJSON() ([]byte, error) {
	out := faultJSON{Name: f.Name, Type: f.Type, Target: f.Target, Start: Seconds(f.Start), End: Seconds(f.End),
		Injected: f.Injected, Error: f.Error, Trigger: f.Trigger, Evidence: f.Evidence}
	if f.Trigger != "" {
		at, lat := Seconds(f.Triggered), Seconds(f.TriggerLatency)
		out.Triggered, out.TriggerLatency = &at, &lat
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (f *Fault) UnmarshalJSON(data []byte) error {
	var in faultJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*f = Fault{Name: in.Name, Type: in.Type, Target: in.Target, Start: time.Duration(in.Start), End: time.Duration(in.End),
		Injected: in.Injected, Error: in.Error, Trigger: in.Trigger, Evidence: in.Evidence}
	if in.Triggered != nil && in.TriggerLatency != nil {
		f.Triggered, f.TriggerLatency = time.Duration(*in.Triggered), time.Duration(*in.TriggerLatency)
	}
	return nil
}

// assertionJSON is the JSON form of an Assertion: the verdict inline, the
// measured time only when there is one.
type assertionJSON struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	From       string   `json:"from"`
	Status     string   `json:"status"`
	SLO        Seconds  `json:"sloSeconds"`
	Measured   *Seconds `json:"measuredSeconds,omitempty"`
	Measurable bool     `json:"measurable"`
	Message    string   `json:"message"`
	Decided    *Seconds `json:"decidedSeconds,omitempty"`
}

// MarshalJSON writes the SLO and the measured time in seconds.
func (a Assertion) MarshalJSON() ([]byte, error) {
	out := assertionJSON{Name: a.Name, Type: a.Type, From: a.From, Status: string(a.Status),
		SLO: Seconds(a.SLO), Measurable: a.Measurable, Message: a.Message}
	if a.Decided > 0 {
		d := Seconds(a.Decided)
		out.Decided = &d
	}
	if a.Measurable {
		m := Seconds(a.Measured)
		out.Measured = &m
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (a *Assertion) UnmarshalJSON(data []byte) error {
	var in assertionJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*a = Assertion{Name: in.Name, Type: in.Type, From: in.From, Verdict: assertions.Verdict{
		Status: assertions.Status(in.Status), SLO: time.Duration(in.SLO),
		Measurable: in.Measurable || in.Measured != nil, Message: in.Message}}
	if in.Measured != nil {
		a.Measured = time.Duration(*in.Measured)
	}
	if in.Decided != nil {
		a.Decided = time.Duration(*in.Decided)
	}
	return nil
}
