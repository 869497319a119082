package scenarios

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/timeline"
)

// SchemaID is the $id of the scenario format's JSON Schema.
const SchemaID = "https://harness.dev/schemas/scenario-v1alpha1.json"

// Schema returns a JSON Schema (draft 2020-12) of the scenario format,
// built from the same registries and field lists that drive decoding and
// `harness list`: every field with its type and doc, every fault, trigger
// and assertion type with its params (types, docs, defaults where a doc
// says "(default X)"). Editors use it through the YAML language server
// (`# yaml-language-server: $schema=PATH` atop a scenario file). The
// decoder stays the judge: the schema cannot say everything it checks
// (cycles, moments, manifests), and it says nothing it does not check.
func (o Options) Schema() ([]byte, error) {
	o = o.withDefaults()
	s := schemaBuilder{defs: map[string]any{}}
	s.defs["duration"] = map[string]any{"type": "string", "pattern": durationPattern,
		"description": "a duration with a unit, such as 30s, 2m or 1m30s (at most " + shortDuration(MaxDuration) + ")"}
	s.defs["name"] = map[string]any{"type": "string", "pattern": nameRE.String(), "maxLength": MaxNameLength,
		"description": "lowercase letters, digits and '-'"}
	s.defs["target"] = s.object(reflect.TypeOf(faults.Target{}), "what a fault hits; which fields apply depends on its type")
	s.defs["fault"] = s.entry(rawFault{}, "a fault", o.FaultTypes(), func(typ string) (string, func() any) {
		spec, _ := o.LookupFault(typ)
		return spec.Doc, spec.NewParams
	}, "fault")
	s.defs["trigger"] = s.entry(rawTrigger{}, "a trigger: start the fault on an event instead of at/after", o.TriggerTypes(), func(typ string) (string, func() any) {
		spec, _ := o.LookupTrigger(typ)
		return spec.Doc, spec.NewParams
	}, "trigger")
	s.defs["assertion"] = s.entry(rawAssertion{}, "an assertion: an SLO judged from a moment", o.AssertionTypes(), func(typ string) (string, func() any) {
		spec, _ := o.LookupAssertion(typ)
		return spec.Doc, spec.NewParams
	}, "assertion")
	doc := s.object(reflect.TypeOf(rawDoc{}), "a harness Scenario: one YAML document")
	doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	doc["$id"] = SchemaID
	doc["title"] = "harness Scenario " + APIVersion
	doc["required"] = []string{"apiVersion", "kind", "metadata", "assertions"}
	doc["$defs"] = s.defs
	return json.MarshalIndent(doc, "", "  ")
}

// durationPattern is the text time.ParseDuration takes, without a sign.
const durationPattern = `^([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))*$`

// fieldSchemas says what some fields of the document are, beyond their Go
// type; keyed by the yaml path of the field.
var fieldSchemas = map[string]map[string]any{
	"apiVersion":                {"const": APIVersion},
	"kind":                      {"const": Kind},
	"metadata.name":             {"$ref": "#/$defs/name"},
	"parameters.name":           {"$ref": "#/$defs/name"},
	"cluster.provider":          {"enum": Providers},
	"cluster.workers":           {"type": "integer", "minimum": 0, "maximum": MaxWorkers},
	"cluster.kubernetesVersion": {"type": "string", "pattern": versionRE.String()},
	"setup.waitFor.kind":        {"type": "string", "pattern": kindRE.String()},
	"defaults":                  {"description": "YAML anchors reused with merge keys (<<: *name); not read otherwise"},
}

var fieldDocs = map[string]string{
	"apiVersion":                      "the version of the scenario format",
	"metadata":                        "the scenario's name, description and labels",
	"metadata.description":            "what the scenario shows, for people",
	"parameters":                      "values a scenario's manifests take from `harness run --param NAME=VALUE` (${NAME} in a manifest)",
	"parameters.values":               "the only values allowed (optional)",
	"parameters.default":              "the value when none is given",
	"cluster":                         "the cluster a scenario runs on",
	"cluster.nodeImage":               "kind node image (default: --node-image, else the offline image of kubernetesVersion)",
	"cluster.reuse":                   "run on this existing kind cluster (needs --allow-context kind-NAME)",
	"cluster.kubeadmConfigPatches":    "kubeadm patches added after the host's own",
	"cluster.containerdConfigPatches": "containerd patches added after the host's own",
	"setup":                           "what is installed before the steady state is checked",
	"setup.manifests":                 "files in the scenario's folder, server-side applied",
	"setup.images":                    "image references loaded from the host's Docker into every node",
	"setup.waitFor":                   "objects to wait for: " + strings.Join(WaitKinds, ", ") + ", or any kind with apiVersion and condition",
	"steadyState":                     "assertions measured from steady-state; if one fails the run is an error (exit 3)",
	"faults":                          "the faults to inject",
	"assertions":                      "the SLOs and invariants to judge",
	"name":                            "a unique name: lowercase letters, digits and '-'",
	"type":                            "the type (see `harness list`)",
	"params":                          "the type's parameters",
	"at":                              "offset from the start of the faults (or from the end of `after`)",
	"after":                           "start when this earlier fault ended, plus at",
	"duration":                        "how long the fault lasts (lasting faults only)",
	"delay":                           "waited between the event and the injection",
	"timeout":                         "how long to wait (default: the run's timeout)",
	"from":                            "the moment the SLO is measured from: " + strings.Join(timeline.AssertionMoments([]string{"<fault>"}), ", "),
	"within":                          "the SLO",
}

type schemaBuilder struct {
	defs map[string]any
	path []string
}

// entry is the schema of a fault, trigger or assertion: its common fields,
// and the params of each type (if type is T, params are T's).
func (s *schemaBuilder) entry(raw any, doc string, types []string, lookup func(string) (string, func() any), kind string) map[string]any {
	out := s.object(reflect.TypeOf(raw), doc)
	props := out["properties"].(map[string]any)
	props["type"] = map[string]any{"enum": types, "description": "the " + kind + " type (see `harness list`)"}
	out["required"] = []string{"type"}
	if kind != "trigger" {
		out["required"] = []string{"name", "type"}
	}
	var cases []any
	for _, typ := range types {
		typeDoc, newParams := lookup(typ)
		params := map[string]any{"not": map[string]any{}, "description": typ + " takes no params"}
		if newParams != nil {
			saved := s.path
			s.path = []string{kind, typ, "params"} // not a document path: no fieldSchemas entry applies
			params = s.object(reflect.TypeOf(newParams()), "params of "+typ+": "+typeDoc)
			s.path = saved
		}
		cases = append(cases, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"type": map[string]any{"const": typ}}, "required": []string{"type"}},
			"then": map[string]any{"properties": map[string]any{"params": params}, "description": typeDoc},
		})
	}
	out["allOf"] = cases
	return out
}

// object is the schema of a struct: its yaml fields, no others.
func (s *schemaBuilder) object(t reflect.Type, doc string) map[string]any {
	props := map[string]any{}
	for _, f := range Fields(t) {
		s.path = append(s.path, f.Name)
		props[f.Name] = s.field(f)
		s.path = s.path[:len(s.path)-1]
	}
	out := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if doc != "" {
		out["description"] = doc
	}
	return out
}

func (s *schemaBuilder) field(f Field) map[string]any {
	key := strings.Join(s.path, ".")
	if fixed, ok := fieldSchemas[key]; ok {
		return withDoc(fixed, f.Doc, key)
	}
	return withDoc(s.typeSchema(f.Type, f.Doc), f.Doc, key)
}

func withDoc(m map[string]any, doc, key string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	if doc == "" {
		doc = fieldDocs[key]
		if doc == "" {
			doc = fieldDocs[key[strings.LastIndex(key, ".")+1:]]
		}
	}
	if doc != "" && out["description"] == nil {
		out["description"] = doc
	}
	if d, ok := defaultOf(doc, out); ok {
		out["default"] = d
	}
	return out
}

var (
	durationType     = reflect.TypeOf(time.Duration(0))
	durationTextType = reflect.TypeOf(durationText(""))
	defaultRE        = regexp.MustCompile(`\(default:? ([A-Za-z0-9./-]+)[,;)]`)
)

// defaultOf reads the default a field's doc states, in the field's type.
func defaultOf(doc string, schema map[string]any) (any, bool) {
	m := defaultRE.FindStringSubmatch(doc)
	if m == nil {
		return nil, false
	}
	switch schema["type"] {
	case "integer":
		n, err := strconv.Atoi(m[1])
		return n, err == nil
	case "number":
		n, err := strconv.ParseFloat(m[1], 64)
		return n, err == nil
	case "string":
		return m[1], true
	}
	if schema["$ref"] == "#/$defs/duration" {
		return m[1], true
	}
	return nil, false
}

func (s *schemaBuilder) typeSchema(t reflect.Type, doc string) map[string]any {
	switch {
	case t == durationType || t == durationTextType:
		return map[string]any{"$ref": "#/$defs/duration"}
	case t == reflect.TypeOf(faults.Target{}):
		return map[string]any{"$ref": "#/$defs/target"}
	case t == reflect.TypeOf(rawFault{}):
		return map[string]any{"$ref": "#/$defs/fault"}
	case t == reflect.TypeOf(rawAssertion{}):
		return map[string]any{"$ref": "#/$defs/assertion"}
	case t == reflect.TypeOf(rawTrigger{}) || t == reflect.TypeOf(&rawTrigger{}):
		return map[string]any{"$ref": "#/$defs/trigger"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return s.typeSchema(t.Elem(), doc)
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": s.typeSchema(t.Elem(), "")}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.typeSchema(t.Elem(), "")}
	case reflect.Struct:
		if t.Name() == "Node" { // yaml.Node: params decoded per type, defaults free-form
			return map[string]any{}
		}
		return s.object(t, doc)
	}
	return map[string]any{}
}
