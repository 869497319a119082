package reports

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/assertions"
)

func resultVerdict(status assertions.Status, measured time.Duration) assertions.Verdict {
	return assertions.Verdict{Status: status, SLO: 60 * time.Second, Measured: measured,
		Measurable: measured > 0, Message: "lease kube-system/kube-controller-manager " + string(status)}
}

func sample() *Run {
	return &Run{
		Scenario: "lease-loss", File: "scenarios/lease-loss.yaml", Description: "partition the apiserver",
		Seed: 42, RunID: "lease-loss-abc123", Started: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		Duration: 95250 * time.Millisecond,
		Cluster:  Cluster{Name: "harness-lease-loss", Provider: "kind", NodeImage: "kind-node:v1.35.4", KubernetesVersion: "v1.35.4", Created: true},
		Faults: []Fault{{Name: "partition-apiserver", Type: "partition", Target: "node control-plane",
			Start: 36800 * time.Millisecond, End: 67200 * time.Millisecond, Injected: true},
			{Name: "pause-kcm", Type: "pause", Target: "kube-controller-manager on control-plane", Start: 70 * time.Second,
				End: 80 * time.Second, Injected: true, Trigger: "lease kube-system/kube-controller-manager acquired by x",
				Triggered: 69900 * time.Millisecond, TriggerLatency: 100 * time.Millisecond}},
		SteadyState: []Assertion{{Name: "kcm-leads", Type: "leaseHeld", From: "steady-state", Verdict: resultVerdict(assertions.Passed, 1133*time.Millisecond)}},
		Assertions: []Assertion{
			{Name: "kcm-lease-held", Type: "leaseHeld", From: "partition-apiserver.end", Verdict: resultVerdict(assertions.Passed, 18300*time.Millisecond)},
			{Name: "pods", Type: "podsCreatable", From: "faults.end", Verdict: resultVerdict(assertions.Failed, 0)},
		},
		Artifacts: []Artifact{{Path: "artifacts/lease-loss-abc123/events.txt", Title: "Kubernetes events"}},
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	errored := sample()
	errored.Faults, errored.Assertions = nil, nil
	errored.Error = &RunError{Phase: "steady-state", Message: "steady state does not hold"}
	for name, r := range map[string]*Run{"judged": sample(), "errored": errored, "empty": {}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var back Run
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatalf("unmarshal %s: %v", data, err)
			}
			if !reflect.DeepEqual(&back, r) {
				t.Fatalf("round trip differs:\n got %+v\nwant %+v\njson %s", back, *r, data)
			}
		})
	}
}

func TestJSONUsesSeconds(t *testing.T) {
	t.Parallel()
	data, err := json.Marshal(sample())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"apiVersion":"harness.dev/result/v1alpha1"`, `"durationSeconds":95.25`, `"passed":false`, `"exitCode":1`,
		`"startSeconds":36.8`, `"endSeconds":67.2`, `"sloSeconds":60`, `"measuredSeconds":18.3`, `"measurable":true`,
		`"runID":"lease-loss-abc123"`, `"nodeImage":"kind-node:v1.35.4"`,
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON lacks %s:\n%s", want, data)
		}
	}
	// An assertion that measured nothing has no measuredSeconds.
	if n := strings.Count(string(data), `"measuredSeconds"`); n != 2 {
		t.Errorf("measuredSeconds appears %d times, want 2:\n%s", n, data)
	}
}

func TestSeconds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    time.Duration
		json string
	}{
		{0, "0"}, {18300 * time.Millisecond, "18.3"}, {16784321 * time.Microsecond, "16.784"},
		{60 * time.Second, "60"}, {1500 * time.Microsecond, "0.002"},
	} {
		data, err := json.Marshal(Seconds(tc.d))
		if err != nil || string(data) != tc.json {
			t.Errorf("Seconds(%v) = %s, %v; want %s", tc.d, data, err, tc.json)
		}
		var back Seconds
		if err := json.Unmarshal(data, &back); err != nil || time.Duration(back) != tc.d.Round(time.Millisecond) {
			t.Errorf("Seconds %s read back as %v, %v; want %v", data, time.Duration(back), err, tc.d.Round(time.Millisecond))
		}
	}
}

func TestUnmarshalRejects(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]string{
		"other apiVersion": `{"apiVersion":"harness.dev/result/v2"}`,
		"no apiVersion":    `{"scenario":"x"}`,
		"bad seconds":      `{"apiVersion":"harness.dev/result/v1alpha1","durationSeconds":"95s"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var r Run
			if err := json.Unmarshal([]byte(data), &r); err == nil {
				t.Fatalf("%s decoded without error: %+v", data, r)
			}
		})
	}
}

func TestPassedAndExitCode(t *testing.T) {
	t.Parallel()
	with := func(statuses ...assertions.Status) *Run {
		r := &Run{Scenario: "s"}
		for _, s := range statuses {
			r.Assertions = append(r.Assertions, Assertion{Name: string(s), Verdict: assertions.Verdict{Status: s}})
		}
		return r
	}
	errored := with(assertions.Passed)
	errored.Error = &RunError{Phase: "cluster", Message: "kind create cluster failed"}
	for _, tc := range []struct {
		name   string
		run    *Run
		passed bool
		code   int
	}{
		{"no assertions", with(), true, ExitPassed},
		{"all passed", with(assertions.Passed, assertions.Passed), true, ExitPassed},
		{"one failed", with(assertions.Passed, assertions.Failed), false, ExitFailed},
		{"pending at the end", with(assertions.Pending), false, ExitFailed},
		{"run error", errored, false, ExitError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.run.Passed(); got != tc.passed {
				t.Errorf("Passed() = %v, want %v", got, tc.passed)
			}
			if got := tc.run.ExitCode(); got != tc.code {
				t.Errorf("ExitCode() = %d, want %d", got, tc.code)
			}
		})
	}
}
