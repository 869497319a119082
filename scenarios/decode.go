package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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
	// Defaults holds YAML anchors for merge keys (<<: *name); it is not
	// read otherwise.
	Defaults yaml.Node `yaml:"defaults"`
}

type rawSetup struct {
	Manifests []string     `yaml:"manifests"`
	Images    []string     `yaml:"images"`
	WaitFor   []rawWaitFor `yaml:"waitFor"`
}

type rawWaitFor struct {
	Kind       string       `yaml:"kind"`
	APIVersion string       `yaml:"apiVersion"`
	Namespace  string       `yaml:"namespace"`
	Name       string       `yaml:"name"`
	Condition  string       `yaml:"condition"`
	Timeout    durationText `yaml:"timeout"`
}

type rawFault struct {
	Name     string        `yaml:"name"`
	Type     string        `yaml:"type"`
	Target   faults.Target `yaml:"target"`
	Params   yaml.Node     `yaml:"params"`
	At       durationText  `yaml:"at"`
	After    string        `yaml:"after"`
	Duration durationText  `yaml:"duration"`
	Trigger  *rawTrigger   `yaml:"trigger"`
	// ExpectNoEffect: see FaultEntry.
	ExpectNoEffect bool `yaml:"expectNoEffect"`
}

type rawAssertion struct {
	Name   string       `yaml:"name"`
	Type   string       `yaml:"type"`
	From   string       `yaml:"from"`
	Within durationText `yaml:"within"`
	During yaml.Node    `yaml:"during"`
	Params yaml.Node    `yaml:"params"`
}

// durationText is a duration as written (30s, 1m30s), parsed when the
// document is validated so that its errors carry a position.
type durationText string

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
	opts    Options
	checked map[checkedKey]bool
	fields  map[reflect.Type]fieldSet
	pruned  map[*yaml.Node]bool      // mappings that lost unknown fields
	lines   map[*yaml.Node]lineIndex // nodes by line under a root, for type errors
}

// document parses data; it returns nil when there is no document to check.
// Before the document is decoded, the tree is cleaned of what would give
// wrong or repeated errors: duplicate keys (reported, the first kept), merge
// keys (expanded), unknown fields (reported, dropped).
func (d *decoder) document(data []byte) *Scenario {
	if d.badBytes(data) {
		return nil
	}
	root, ok := d.parse(data)
	if !ok {
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
	d.checkTags(doc)
	d.dropDuplicateKeys(doc)
	if !d.expandMerges(doc) {
		return nil
	}
	d.checkFields(doc, reflect.TypeOf(rawDoc{}), "a scenario")
	var raw rawDoc
	if err := doc.Decode(&raw); err != nil {
		d.yamlErrors(doc, err, "") // type errors leave the rest decoded
	}
	return d.validate(doc, &raw)
}

// parse parses the one YAML document of data; a second document is an
// error (the first is still checked).
func (d *decoder) parse(data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return &root, true // no document: reported as empty
		}
		d.yamlErrors(&root, err, "malformed YAML: ")
		return nil, false
	}
	var second yaml.Node
	switch err := dec.Decode(&second); {
	case errors.Is(err, io.EOF):
		return &root, true
	case err != nil:
		d.yamlErrors(&second, err, "malformed YAML in a second document: ")
	default:
		d.at(&second, "a second YAML document; expected one Scenario per file (remove the '---' and what follows, or put it in a file of its own)")
	}
	return &root, true
}

// checkFields reports every mapping key of n that is not a yaml field of t
// and drops it (so that the decoder neither reports it again nor expands
// what is under it), recursing into nested structs and lists of structs.
// Values of the wrong kind are left to the yaml decoder's type errors. A
// node shared through an alias is checked once.
func (d *decoder) checkFields(n *yaml.Node, t reflect.Type, where string) {
	n = resolve(n)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n == nil || n.Kind != yaml.MappingNode || t.Kind() != reflect.Struct || t == reflect.TypeOf(yaml.Node{}) {
		return
	}
	key := checkedKey{n, t}
	if d.checked[key] {
		return
	}
	if d.checked == nil {
		d.checked = map[checkedKey]bool{}
	}
	d.checked[key] = true
	fs := d.fieldSet(t)
	var kept []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		ft, ok := fs.types[key.Value]
		if !ok {
			d.at(key, "field %q not valid in %s; %svalid fields: %s", key.Value, where, didYouMean(key.Value, fs.names), choices(fs.names))
			if kept == nil {
				kept = append(make([]*yaml.Node, 0, len(n.Content)), n.Content[:i]...)
			}
			continue
		}
		if kept != nil {
			kept = append(kept, key, val)
		}
		if val := resolve(val); ft.Kind() == reflect.Slice && val != nil && val.Kind == yaml.SequenceNode {
			d.dropNullEntries(key.Value, val)
			for _, item := range val.Content {
				d.checkFields(item, ft.Elem(), entryName(key.Value))
			}
			continue
		}
		d.checkFields(val, ft, key.Value)
	}
	if kept != nil {
		if d.pruned == nil {
			d.pruned = map[*yaml.Node]bool{}
		}
		d.pruned[n] = true
		n.Content = kept
	}
}

// dropNullEntries reports every null entry (`~`, `null`, an empty `-`) of
// the list of field and removes it: the YAML decoder would drop it
// silently, and every later entry's problems would be located at the entry
// before it.
func (d *decoder) dropNullEntries(field string, list *yaml.Node) {
	kept := list.Content[:0:0]
	for _, item := range list.Content {
		if r := resolve(item); r != nil && r.Kind == yaml.ScalarNode && r.Tag == "!!null" {
			d.at(item, "empty entry (null) in list %s; expected a value (remove the line, or give it one)", field)
			continue
		}
		kept = append(kept, item)
	}
	if len(kept) != len(list.Content) {
		list.Content = kept
		if d.pruned == nil {
			d.pruned = map[*yaml.Node]bool{}
		}
		d.pruned[list] = true
	}
}

// fieldSet is the yaml fields of a struct type.
type fieldSet struct {
	types map[string]reflect.Type
	names []string
}

func (d *decoder) fieldSet(t reflect.Type) fieldSet {
	if fs, ok := d.fields[t]; ok {
		return fs
	}
	fs := fieldSet{types: map[string]reflect.Type{}}
	for _, f := range Fields(t) {
		fs.types[f.Name] = f.Type
		fs.names = append(fs.names, f.Name)
	}
	if d.fields == nil {
		d.fields = map[reflect.Type]fieldSet{}
	}
	d.fields[t] = fs
	return fs
}

// problemsWithin tells whether a problem is reported inside node n, or n
// lost unknown fields (which may have stood after its last node).
func (d *decoder) problemsWithin(n *yaml.Node) bool {
	return d.errorsWithin(n) || d.prunedWithin(n)
}

func (d *decoder) prunedWithin(n *yaml.Node) bool {
	if d.pruned[n] {
		return true
	}
	for _, c := range n.Content {
		if d.prunedWithin(c) {
			return true
		}
	}
	return false
}

// checkedKey is a node checked against a type.
type checkedKey struct {
	n *yaml.Node
	t reflect.Type
}

// didYouMean suggests the field that differs from name only in case.
func didYouMean(name string, fields []string) string {
	for _, f := range fields {
		if strings.EqualFold(f, name) {
			return fmt.Sprintf("did you mean %q? ", f)
		}
	}
	return ""
}

func entryName(field string) string {
	if name, ok := entryNames[field]; ok {
		return name
	}
	return "an entry of " + field
}

func kindName(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return fmt.Sprintf("%q", n.Value)
}
