package scenarios

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// compileSchema compiles the generated schema with a draft 2020-12
// validator.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := Options{}.Schema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return sch
}

func yamlInstance(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v0 any // YAML 1.2, as the YAML language server reads it (on: is a key, not true)
	if err := yaml.Unmarshal(data, &v0); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	js, err := json.Marshal(v0)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSchemaAcceptsValidScenarios: every stock scenario and valid fixture
// is valid against the schema.
func TestSchemaAcceptsValidScenarios(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	files, _ := filepath.Glob("*.yaml")
	valid, _ := filepath.Glob("testdata/valid/*.yaml")
	for _, f := range append(files, valid...) {
		if strings.HasSuffix(f, "manifest.yaml") {
			continue // a Kubernetes manifest, not a scenario
		}
		if err := sch.Validate(yamlInstance(t, f)); err != nil {
			t.Errorf("%s is not valid against the schema:\n%v", f, err)
		}
	}
}

// TestSchemaRefusesInvalidScenarios: the schema refuses what the decoder
// refuses for a reason the schema can say (unknown fields and types, wrong
// types of params, bad durations and names).
func TestSchemaRefusesInvalidScenarios(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	for _, f := range []string{
		"testdata/invalid/top-level.yaml", "testdata/invalid/fault-fields.yaml", "testdata/invalid/types.yaml",
		"testdata/invalid/params.yaml", "testdata/invalid/durations.yaml", "testdata/invalid/wrong-types.yaml",
		"testdata/bad-input/23-unknown-fault-param.yaml", "testdata/bad-input/26-unknown-trigger-type.yaml",
		"testdata/bad-input/51-port-string.yaml", "testdata/bad-input/65-workers-huge.yaml", "testdata/bad-input/83-long-name.yaml",
	} {
		if err := sch.Validate(yamlInstance(t, f)); err == nil {
			t.Errorf("%s is valid against the schema; want it refused", f)
		}
	}
}

// TestSchemaCoversRegistries: every type of every registry and every
// param field is in the schema, with its doc.
func TestSchemaCoversRegistries(t *testing.T) {
	t.Parallel()
	data, err := Options{}.Schema()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{`"kill"`, `"rebuild-static-pods"`, `"logLine"`, `"httpAvailable"`, `"signal"`, `"hook"`,
		`"regex"`, `"interval"`, `"default": 6443`, `"default": "10s"`, "#/$defs/duration"} {
		if !strings.Contains(text, want) {
			t.Errorf("schema lacks %s", want)
		}
	}
	got, err := os.ReadFile("schema.json")
	if err != nil || !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(data)) {
		t.Errorf("scenarios/schema.json is not the generated schema; run `go run ./cmd/harness schema > scenarios/schema.json`")
	}
}
