package scenarios

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/faults/trigger"
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

func TestDecodeFull(t *testing.T) {
	t.Parallel()
	sc, err := Load("testdata/valid/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Metadata.Name != "full" || sc.Metadata.Labels["suite"] != "test" || sc.Cluster.Workers != 1 || sc.Cluster.Provider != "kind" {
		t.Fatalf("metadata/cluster decoded wrong: %+v %+v", sc.Metadata, sc.Cluster)
	}
	if len(sc.Cluster.KubeadmConfigPatches) != 1 || sc.Cluster.NodeImage == "" {
		t.Fatalf("cluster decoded wrong: %+v", sc.Cluster)
	}
	if len(sc.Faults) != 3 || sc.Faults[0].Duration != 20*time.Second || sc.Faults[1].After != "cut" || sc.Faults[1].At != 5*time.Second {
		t.Fatalf("faults decoded wrong: %+v", sc.Faults)
	}
	if sc.Faults[1].Target.Process != "worker" || sc.Faults[0].Fault == nil || sc.Faults[1].Line != 31 {
		t.Fatalf("fault target, implementation or line wrong: %+v", sc.Faults[1])
	}
	if p, ok := sc.Faults[1].Params.(*faults.KillParams); !ok || p.Signal != "TERM" {
		t.Fatalf("kill params decoded wrong: %#v", sc.Faults[1].Params)
	}
	tr := sc.Faults[2].Trigger
	if tr == nil || tr.Type != "lease" || tr.Delay != 500*time.Millisecond || tr.Timeout != 2*time.Minute || tr.Trigger == nil {
		t.Fatalf("trigger decoded wrong: %+v", tr)
	}
	if p, ok := tr.Params.(*trigger.LeaseParams); !ok || p.On != "acquired" {
		t.Fatalf("trigger params decoded wrong: %#v", tr.Params)
	}
	if len(sc.Assertions) != 3 || sc.Assertions[0].Within != time.Minute || sc.Assertions[2].Assertion == nil {
		t.Fatalf("assertions decoded wrong: %+v", sc.Assertions)
	}
	if p, ok := sc.Assertions[2].Params.(*assertions.PodsCreatableParams); !ok || p.Replicas != 3 || !p.Ready {
		t.Fatalf("podsCreatable params decoded wrong: %#v", sc.Assertions[2].Params)
	}
	if got := sc.Setup.Manifests[0]; got != filepath.Join("testdata", "valid", "manifest.yaml") {
		t.Fatalf("manifest path not resolved against the scenario file: %s", got)
	}
	if w := sc.Setup.WaitFor[0]; w.Timeout != 2*time.Minute || w.Kind != "Deployment" {
		t.Fatalf("waitFor decoded wrong: %+v", w)
	}
}

func TestDecodeDefaults(t *testing.T) {
	t.Parallel()
	sc, err := Load("testdata/valid/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Cluster.Provider != "kind" || sc.File != "testdata/valid/minimal.yaml" {
		t.Errorf("provider %q, file %q; want the kind default and the file name", sc.Cluster.Provider, sc.File)
	}
	if s := sc.SteadyState[0]; s.From != "steady-state" || s.Assertion == nil {
		t.Errorf("steady-state check: %+v; want from steady-state by default", s)
	}
	if f := sc.Faults[0]; f.Duration != 0 || f.At != 0 || f.Fault == nil {
		t.Errorf("instant fault: %+v", f)
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	_, err := Load("testdata/nope.yaml")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("error %v; want it to wrap fs.ErrNotExist", err)
	}
}

func TestErrorsListEachProblem(t *testing.T) {
	t.Parallel()
	_, err := Load("testdata/invalid/top-level.yaml")
	var list Errors
	if !errors.As(err, &list) || len(list) != 4 {
		t.Fatalf("error %v; want Errors with 4 problems", err)
	}
	var first *Error
	if !errors.As(err, &first) || first.File != "testdata/invalid/top-level.yaml" || first.Line != 1 || first.Col != 13 {
		t.Fatalf("first *Error %+v; want top-level.yaml:1:13", first)
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != len(list) {
		t.Fatalf("Error() has %d lines; want one per problem:\n%v", len(lines), err)
	}
}

func TestDecodeOddDocuments(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, doc, want string }{
		{"comments only", "# nothing\n", "x.yaml:1:1: empty file; expected a Scenario document"},
		{"null", "~\n", "x.yaml:1:1: empty file"},
		{"scalar", "hello\n", `x.yaml:1:1: the document is "hello"; expected a mapping`},
		{"tab", "apiVersion: x\n\tkind: y\n", "x.yaml:2:1: malformed YAML: found a tab character"},
		{"control character", "apiVersion: \x01\n", "x.yaml:1:13: control character U+0001 not allowed in YAML"},
		{"list item", "apiVersion: harness.dev/v1alpha1\nkind: Scenario\nmetadata: {name: x}\nassertions: [oops]\n",
			`x.yaml:4:14: assertions[0]: wrong type: got a string "oops"; expected a mapping`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode("x.yaml", []byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v; want it to contain %q", err, tt.want)
			}
		})
	}
}
