package scenarios

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-dev/harness/faults"
)

// The raw document, as written. Durations stay strings until validated, so
// that their errors carry a position; params stay nodes until their type is
// known.
type rawDoc struct {
	APIVersion  string         `yaml:"apiVersion"`
	Kind        string         `yaml:"kind"`
	Metadata    Metadata       `yaml:"metadata"`
	Parameters  []Parameter    `yaml:"parameters"`
	Cluster     Cluster        `yaml:"cluster"`
	Setup       rawSetup       `yaml:"setup"`
	SteadyState []rawAssertion `yaml:"steadyState"`
	Faults      []rawFault     `yaml:"faults"`
	Assertions  []rawAssertion `yaml:"assertions"`
}

type rawSetup struct {
	Manifests []string     `yaml:"manifests"`
	Images    []string     `yaml:"images"`
	WaitFor   []rawWaitFor `yaml:"waitFor"`
}

type rawWaitFor struct {
	Kind      string `yaml:"kind"`
	Namespace string `yaml:"namespace"`
	Name      string `yaml:"name"`
	Timeout   string `yaml:"timeout"`
}

type rawFault struct {
	Name     string        `yaml:"name"`
	Type     string        `yaml:"type"`
	Target   faults.Target `yaml:"target"`
	Params   yaml.Node     `yaml:"params"`
	At       string        `yaml:"at"`
	After    string        `yaml:"after"`
	Duration string        `yaml:"duration"`
	Trigger  *rawTrigger   `yaml:"trigger"`
}

type rawAssertion struct {
	Name   string    `yaml:"name"`
	Type   string    `yaml:"type"`
	From   string    `yaml:"from"`
	Within string    `yaml:"within"`
	Params yaml.Node `yaml:"params"`
}

// What an entry of a list field is called in errors.
var entryNames = map[string]string{
	"faults":      "a fault",
	"assertions":  "an assertion",
	"steadyState": "a steadyState check",
	"waitFor":     "a waitFor entry",
	"parameters":  "a parameter",
}

// decoder decodes one file, collecting every problem.
type decoder struct {
	collector
	opts Options
}

// document parses data; it returns nil when there is no document to check.
func (d *decoder) document(data []byte) *Scenario {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		d.yamlErrors(&root, err, "malformed YAML: ")
		return nil
	}
	if len(root.Content) == 0 || root.Content[0].Tag == "!!null" {
		d.add(1, 1, fmt.Sprintf("empty file; expected a Scenario document (apiVersion: %s, kind: %s, metadata, faults, assertions)", APIVersion, Kind))
		return nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		d.at(doc, "the document is %s; expected a mapping (apiVersion: %s, kind: %s, ...)", kindName(doc), APIVersion, Kind)
		return nil
	}
	d.checkFields(doc, reflect.TypeOf(rawDoc{}), "a scenario")
	var raw rawDoc
	if err := doc.Decode(&raw); err != nil {
		d.yamlErrors(doc, err, "") // type errors leave the rest decoded
	}
	return d.validate(doc, &raw)
}

// checkFields reports every mapping key of n that is not a yaml field of t,
// recursing into nested structs and lists of structs. Values of the wrong
// kind are left to the yaml decoder's type errors.
func (d *decoder) checkFields(n *yaml.Node, t reflect.Type, where string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n == nil || n.Kind != yaml.MappingNode || t.Kind() != reflect.Struct || t == reflect.TypeOf(yaml.Node{}) {
		return
	}
	fields := map[string]reflect.Type{}
	var names []string
	for _, f := range Fields(t) {
		fields[f.Name] = f.Type
		names = append(names, f.Name)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		ft, ok := fields[key.Value]
		if !ok {
			d.at(key, "field %q not valid in %s; valid fields: %s", key.Value, where, strings.Join(names, ", "))
			continue
		}
		if ft.Kind() == reflect.Slice && val.Kind == yaml.SequenceNode {
			for _, item := range val.Content {
				d.checkFields(item, ft.Elem(), entryName(key.Value))
			}
			continue
		}
		d.checkFields(val, ft, key.Value)
	}
}

func entryName(field string) string {
	if name, ok := entryNames[field]; ok {
		return name
	}
	return "an entry of " + field
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return fmt.Sprintf("%q", n.Value)
}
