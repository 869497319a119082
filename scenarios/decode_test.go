package scenarios

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStockScenariosAreValid(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) < 2 {
		t.Fatalf("stock scenarios: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			if _, err := Load(f); err != nil {
				t.Fatalf("stock scenario %s is invalid:\n%v", f, err)
			}
		})
	}
}

func TestDecodeValid(t *testing.T) {
	t.Parallel()
	sc, err := Load("testdata/valid/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Metadata.Name != "full" || sc.Cluster.Workers != 1 || sc.Cluster.Provider != "kind" {
		t.Fatalf("metadata/cluster decoded wrong: %+v %+v", sc.Metadata, sc.Cluster)
	}
	if len(sc.Faults) != 2 || sc.Faults[0].Duration != 20*time.Second || sc.Faults[1].After != "cut" || sc.Faults[1].At != 5*time.Second {
		t.Fatalf("faults decoded wrong: %+v", sc.Faults)
	}
	if sc.Faults[1].Target.Process != "worker" || sc.Faults[0].Fault == nil {
		t.Fatalf("fault target or implementation missing: %+v", sc.Faults[1])
	}
	if len(sc.Assertions) != 3 || sc.Assertions[0].Within != time.Minute || sc.Assertions[2].Assertion == nil {
		t.Fatalf("assertions decoded wrong: %+v", sc.Assertions)
	}
	if got := sc.Setup.Manifests[0]; got != filepath.Join("testdata", "valid", "manifest.yaml") {
		t.Fatalf("manifest path not resolved against the scenario file: %s", got)
	}
	if w := sc.Setup.WaitFor[0]; w.Timeout != 2*time.Minute || w.Kind != "Deployment" {
		t.Fatalf("waitFor decoded wrong: %+v", w)
	}
}

func TestDecodeInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want []string // each must appear in the error, in file:line:col form where there is a position
	}{
		{"empty.yaml", []string{"testdata/invalid/empty.yaml: empty file; expected a Scenario document"}},
		{"malformed.yaml", []string{"testdata/invalid/malformed.yaml:7:1: malformed YAML"}},
		{"top-level.yaml", []string{
			`top-level.yaml:5:1: field "spec" not valid in a scenario; valid fields: apiVersion, kind, metadata, cluster, setup, steadyState, faults, assertions`,
			`top-level.yaml:1:13: apiVersion "harness.dev/v1" not supported; expected harness.dev/v1alpha1`,
		}},
		{"empty-assertions.yaml", []string{"no assertions"}},
		{"unknown-types.yaml", []string{
			`unknown-types.yaml:7:11: unknown fault type "partiton"; valid types: kill, partition`,
			`unknown-types.yaml:13:5: field "durration" not valid in an entry of faults; valid fields: name, type, target, params, at, after, duration`,
			`unknown-types.yaml:16:11: unknown assertion type "leaseHold"; valid types: leaseHeld, podsCreatable, componentReady, noCrashLoop`,
		}},
		{"bad-values.yaml", []string{
			"bad-values.yaml:6:5: fault cut (partition) needs a duration",
			"bad-values.yaml:12:15: fault type kill is instant and takes no duration",
			"bad-values.yaml:13:5: fault notarget needs a target",
			`bad-values.yaml:18:11: from "cut.ends" is not a moment of this scenario; valid in assertions: steady-state, faults.start, faults.end, cut.start, cut.end`,
			`bad-values.yaml:19:13: within "soon" is not a duration`,
			`bad-values.yaml:21:11: assertion name "a" is used twice`,
			`bad-values.yaml:25:36: field "holder" not valid in the params of leaseHeld; valid fields: lease`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			_, err := Load(filepath.Join("testdata", "invalid", tt.file))
			if err == nil {
				t.Fatal("want an error")
			}
			var list Errors
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, want scenarios.Errors", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q; got:\n%v", w, err)
				}
			}
			if !strings.Contains(tt.file, "empty") && !strings.Contains(tt.file, "malformed") && len(list) < len(tt.want) {
				t.Errorf("got %d errors, want all %d reported at once", len(list), len(tt.want))
			}
		})
	}
}

func TestDecodeParamErrorsNameTheField(t *testing.T) {
	t.Parallel()
	doc := func(params string) string {
		return "apiVersion: harness.dev/v1alpha1\nkind: Scenario\nmetadata: {name: p}\nfaults:\n" +
			"  - name: k\n    type: kill\n    target: {component: kube-scheduler}\n    params: " + params + "\n" +
			"assertions:\n  - {name: a, type: leaseHeld, from: k.end, within: 10s, params: {lease: a/b}}\n"
	}
	tests := []struct{ params, want string }{
		{"{signal: BOOM}", `f.yaml:8:13: fault k: params.signal: unknown signal "BOOM"; valid: KILL, TERM`},
		{"{signal: [1]}", "f.yaml:8:13: params of kill: cannot unmarshal !!seq into string"},
		{"{sig: KILL}", `f.yaml:8:14: field "sig" not valid in the params of kill; valid fields: signal`},
	}
	for _, tt := range tests {
		_, err := Decode("f.yaml", []byte(doc(tt.params)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("params %s: error %v; want it to contain %q", tt.params, err, tt.want)
		}
	}
}
