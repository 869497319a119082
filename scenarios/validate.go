package scenarios

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

var nameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// validate checks the raw document and builds the scenario: faults and
// assertions get their params decoded into their type's struct.
func validate(c *errs, doc *yaml.Node, raw *rawDoc) *Scenario {
	if raw.APIVersion != APIVersion {
		c.at(valueOf(doc, "apiVersion", doc), "apiVersion %q not supported; expected %s", raw.APIVersion, APIVersion)
	}
	if raw.Kind != Kind {
		c.at(valueOf(doc, "kind", doc), "kind %q not supported; expected %s", raw.Kind, Kind)
	}
	meta := valueOf(doc, "metadata", doc)
	if !nameRE.MatchString(raw.Metadata.Name) {
		c.at(valueOf(meta, "name", meta), "metadata.name %q: expected a lowercase name of letters, digits and '-'", raw.Metadata.Name)
	}
	sc := &Scenario{File: c.file, Metadata: raw.Metadata, Cluster: raw.Cluster}
	validateCluster(c, valueOf(doc, "cluster", doc), &sc.Cluster)
	sc.Setup = validateSetup(c, valueOf(doc, "setup", doc), raw.Setup)
	sc.Faults = validateFaults(c, valueOf(doc, "faults", doc), raw.Faults)
	moments := append([]string(nil), fixedMoments...)
	for _, f := range raw.Faults {
		moments = append(moments, f.Name+".start", f.Name+".end")
	}
	sc.SteadyState = validateAssertions(c, valueOf(doc, "steadyState", doc), raw.SteadyState, []string{"steady-state"}, "steadyState")
	sc.Assertions = validateAssertions(c, valueOf(doc, "assertions", doc), raw.Assertions, moments, "assertions")
	if len(raw.Assertions) == 0 {
		c.at(doc, "no assertions: a scenario must assert at least one SLO or invariant")
	}
	return sc
}

func validateCluster(c *errs, n *yaml.Node, cl *Cluster) {
	if cl.Provider == "" {
		cl.Provider = "kind"
	}
	if !slices.Contains(Providers, cl.Provider) {
		c.at(valueOf(n, "provider", n), "unknown cluster provider %q; valid providers: %s", cl.Provider, strings.Join(Providers, ", "))
	}
	if cl.Workers < 0 || cl.Workers > 5 {
		c.at(valueOf(n, "workers", n), "workers %d: expected 0 to 5", cl.Workers)
	}
}

func validateSetup(c *errs, n *yaml.Node, raw rawSetup) Setup {
	s := Setup{Images: raw.Images}
	dir := filepath.Dir(c.file)
	for i, m := range raw.Manifests {
		path := m
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, m)
		}
		if _, err := os.Stat(path); err != nil {
			c.at(item(valueOf(n, "manifests", n), i), "manifest %q not found (paths are relative to the scenario file)", m)
		}
		s.Manifests = append(s.Manifests, path)
	}
	kinds := []string{"Deployment", "DaemonSet", "Pod"}
	for i, w := range raw.WaitFor {
		wn := item(valueOf(n, "waitFor", n), i)
		if !slices.Contains(kinds, w.Kind) {
			c.at(valueOf(wn, "kind", wn), "waitFor kind %q not supported; valid kinds: %s", w.Kind, strings.Join(kinds, ", "))
		}
		if w.Name == "" {
			c.at(wn, "waitFor needs a name")
		}
		ns := w.Namespace
		if ns == "" {
			ns = "default"
		}
		timeout := duration(c, valueOf(wn, "timeout", wn), w.Timeout, "timeout")
		s.WaitFor = append(s.WaitFor, WaitFor{Kind: w.Kind, Namespace: ns, Name: w.Name, Timeout: timeout})
	}
	return s
}

// duration parses a duration written as text; empty is zero.
func duration(c *errs, n *yaml.Node, s, field string) time.Duration {
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		c.at(n, "%s %q is not a duration; expected a positive number with a unit, such as 30s, 2m or 1m30s", field, s)
		return 0
	}
	return d
}

// decodeParams decodes n strictly into a new parameter struct of newParams.
func decodeParams(c *errs, n *yaml.Node, newParams func() any, typ string) (any, bool) {
	p := newParams()
	before := len(c.list)
	checkFields(c, n, reflect.TypeOf(p).Elem(), "the params of "+typ)
	if len(c.list) > before {
		return nil, false
	}
	if n.Kind != 0 {
		if err := n.Decode(p); err != nil {
			msg := strings.TrimPrefix(yamlError(c.file, err).Msg, "malformed YAML: ")
			c.at(n, "params of %s: %s; see `harness list` for the parameters", typ, msg)
			return nil, false
		}
	}
	return p, true
}

// valueOf returns the value node of key in mapping n, or def.
func valueOf(n *yaml.Node, key string, def *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	}
	return def
}

// item returns the i-th element of sequence n, or n.
func item(n *yaml.Node, i int) *yaml.Node {
	if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
		return n.Content[i]
	}
	return n
}

func quoteAll(list []string) string {
	return strings.Join(list, ", ")
}
