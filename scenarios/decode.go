package scenarios

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-dev/harness/faults"
)

// The raw document, as written. Durations stay strings until validated, so
// that their errors carry a position.
type rawDoc struct {
	APIVersion  string         `yaml:"apiVersion"`
	Kind        string         `yaml:"kind"`
	Metadata    Metadata       `yaml:"metadata"`
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
}

type rawAssertion struct {
	Name   string    `yaml:"name"`
	Type   string    `yaml:"type"`
	From   string    `yaml:"from"`
	Within string    `yaml:"within"`
	Params yaml.Node `yaml:"params"`
}

// Load reads and decodes a scenario file.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return Decode(path, data)
}

// Decode decodes and validates a scenario document. The error, if any, is
// Errors: every problem of the file with its line and column.
func Decode(file string, data []byte) (*Scenario, error) {
	c := &errs{file: file}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		c.list = append(c.list, yamlError(file, err))
		return nil, c.list
	}
	if len(root.Content) == 0 {
		c.at(nil, "empty file; expected a Scenario document (apiVersion: %s, kind: %s)", APIVersion, Kind)
		return nil, c.list
	}
	doc := root.Content[0]
	checkFields(c, doc, reflect.TypeOf(rawDoc{}), "a scenario")
	var raw rawDoc
	if err := doc.Decode(&raw); err != nil {
		c.list = append(c.list, yamlError(file, err))
		return nil, c.list
	}
	sc := validate(c, doc, &raw)
	if len(c.list) > 0 {
		sort.SliceStable(c.list, func(i, j int) bool { return c.list[i].Line < c.list[j].Line })
		return nil, c.list
	}
	return sc, nil
}

// checkFields reports every mapping key of n that is not a yaml field of t,
// recursing into nested structs and slices of structs.
func checkFields(c *errs, n *yaml.Node, t reflect.Type, where string) {
	if n == nil || n.Kind == 0 || t.Kind() != reflect.Struct || t == reflect.TypeOf(yaml.Node{}) {
		return
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind != yaml.ScalarNode || n.Tag != "!!null" {
			c.at(n, "expected a mapping for %s, got %s", where, kindName(n))
		}
		return
	}
	fields := map[string]Field{}
	var names []string
	for _, f := range Fields(t) {
		fields[f.Name] = f
		names = append(names, f.Name)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		f, ok := fields[key.Value]
		if !ok {
			c.at(key, "field %q not valid in %s; valid fields: %s", key.Value, where, strings.Join(names, ", "))
			continue
		}
		ft := f.Type
		switch {
		case ft.Kind() == reflect.Struct:
			checkFields(c, val, ft, key.Value)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && val.Kind == yaml.SequenceNode:
			for _, item := range val.Content {
				checkFields(c, item, ft.Elem(), "an entry of "+key.Value)
			}
		}
	}
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

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// yamlError turns a yaml.v3 error ("yaml: line 3: ...") into an Error.
func yamlError(file string, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	e := &Error{File: file, Msg: "malformed YAML: " + msg}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &e.Line)
		e.Col = 1
		e.Msg = "malformed YAML: " + m[2]
	}
	return e
}
