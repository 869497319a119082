package scenarios

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

var (
	nameRE    = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	versionRE = regexp.MustCompile(`^v\d+\.\d+\.\d+$`)
)

// WaitKinds are the kinds setup.waitFor can wait for.
var WaitKinds = []string{"Deployment", "DaemonSet", "Pod"}

// validate checks the raw document and builds the scenario.
func (d *decoder) validate(doc *yaml.Node, raw *rawDoc) *Scenario {
	d.exact(doc, "apiVersion", raw.APIVersion, APIVersion)
	d.exact(doc, "kind", raw.Kind, Kind)
	meta := valueOf(doc, "metadata", doc)
	d.name(meta, raw.Metadata.Name, "metadata.name", nil)
	sc := &Scenario{File: d.file, Metadata: raw.Metadata, Cluster: raw.Cluster}
	sc.Parameters = d.parameters(valueOf(doc, "parameters", doc), raw.Parameters)
	d.cluster(valueOf(doc, "cluster", doc), &sc.Cluster)
	sc.Setup = d.setup(valueOf(doc, "setup", doc), raw.Setup)
	sc.Faults = d.faults(valueOf(doc, "faults", doc), raw.Faults)
	moments := slices.Clone(FixedMoments)
	for _, f := range raw.Faults {
		if f.Name != "" {
			moments = append(moments, f.Name+".start", f.Name+".end")
		}
	}
	seen := map[string]bool{} // steady-state checks and assertions share probe names
	sc.SteadyState = d.assertions(valueOf(doc, "steadyState", doc), raw.SteadyState, SteadyStateMoments, "steadyState", seen)
	sc.Assertions = d.assertions(valueOf(doc, "assertions", doc), raw.Assertions, moments, "assertions", seen)
	if len(raw.Assertions) == 0 {
		d.at(keyOf(doc, "assertions", doc), "no assertions; expected at least one entry under assertions: (the SLOs and invariants to judge)")
	}
	return sc
}

// exact checks that field key of mapping n is want.
func (d *decoder) exact(n *yaml.Node, key, got, want string) {
	if got == "" {
		if absent(n, key) {
			d.at(n, "%s missing; expected %s: %s", key, key, want)
		}
	} else if got != want {
		d.at(valueOf(n, key, n), "%s %q not supported; expected %s", key, got, want)
	}
}

// name checks a required DNS-label-like name, the field name of mapping n;
// seen, when given, must not hold it yet.
func (d *decoder) name(n *yaml.Node, name, what string, seen map[string]bool) {
	switch {
	case name == "":
		if absent(n, "name") {
			d.at(n, "%s missing; expected a name of lowercase letters, digits and '-'", what)
		}
	case !nameRE.MatchString(name):
		d.at(valueOf(n, "name", n), "%s %q not valid; expected lowercase letters, digits and '-'", what, name)
	case seen[name]:
		d.at(valueOf(n, "name", n), "%s %q is used twice; expected unique names", what, name)
	}
	if seen != nil {
		seen[name] = true
	}
}

func (d *decoder) cluster(n *yaml.Node, cl *Cluster) {
	if cl.Provider == "" {
		cl.Provider = Providers[0]
	}
	if !slices.Contains(Providers, cl.Provider) {
		d.at(valueOf(n, "provider", n), "unknown cluster provider %q; valid providers: %s", cl.Provider, strings.Join(Providers, ", "))
	}
	if cl.Workers < 0 {
		d.at(valueOf(n, "workers", n), "workers %d: expected 0 or more worker nodes", cl.Workers)
	}
	if v := cl.KubernetesVersion; v != "" && !versionRE.MatchString(v) {
		d.at(valueOf(n, "kubernetesVersion", n), "kubernetesVersion %q not valid; expected a version such as v1.35.4", v)
	}
}

func (d *decoder) setup(n *yaml.Node, raw rawSetup) Setup {
	s := Setup{Images: raw.Images}
	dir := filepath.Dir(d.file)
	for i, m := range raw.Manifests {
		path := m
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, m)
		}
		if st, err := os.Stat(path); err != nil || st.IsDir() {
			d.at(item(valueOf(n, "manifests", n), i), "manifest %q not found; expected a file relative to the scenario's directory %s", m, dir)
		}
		s.Manifests = append(s.Manifests, path)
	}
	for i, img := range raw.Images {
		if img == "" {
			d.at(item(valueOf(n, "images", n), i), "empty image; expected an image reference such as example/app:v1")
		}
	}
	for i, w := range raw.WaitFor {
		s.WaitFor = append(s.WaitFor, d.waitFor(item(valueOf(n, "waitFor", n), i), w))
	}
	return s
}

func (d *decoder) waitFor(n *yaml.Node, w rawWaitFor) WaitFor {
	if !slices.Contains(WaitKinds, w.Kind) {
		d.at(valueOf(n, "kind", n), "waitFor kind %q not supported; valid kinds: %s", w.Kind, strings.Join(WaitKinds, ", "))
	}
	if w.Name == "" {
		d.at(n, "waitFor name missing; expected the name of the %s to wait for", w.Kind)
	}
	ns := w.Namespace
	if ns == "" {
		ns = "default"
	}
	timeout := d.duration(n, "timeout", w.Timeout)
	return WaitFor{Kind: w.Kind, Namespace: ns, Name: w.Name, Timeout: timeout}
}

// duration parses field key of mapping n, written as text; empty is zero.
func (d *decoder) duration(n *yaml.Node, key, s string) time.Duration {
	if s == "" {
		return 0
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		d.at(valueOf(n, key, n), "%s %q is not a duration; expected a positive number with a unit, such as 30s, 2m or 1m30s", key, s)
		return 0
	}
	return v
}

// absent tells whether key is missing or blank in mapping n. It is false
// when n is not a mapping or the value is not blank: then the yaml decoder
// has reported a type error, and "missing" would be a second, wrong one.
func absent(n *yaml.Node, key string) bool {
	return n.Kind == yaml.MappingNode && blank(valueOf(n, key, nil))
}

// blank tells whether a value node is missing, null, "" or an empty collection.
func blank(v *yaml.Node) bool {
	switch {
	case v == nil:
		return true
	case v.Kind == yaml.ScalarNode:
		return v.Value == "" || v.ShortTag() == "!!null"
	case v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode:
		return len(v.Content) == 0
	}
	return false
}

// valueOf returns the value node of key in mapping n, or def.
func valueOf(n *yaml.Node, key string, def *yaml.Node) *yaml.Node {
	if i := keyIndex(n, key); i >= 0 {
		return n.Content[i+1]
	}
	return def
}

// keyOf returns the key node of key in mapping n, or def.
func keyOf(n *yaml.Node, key string, def *yaml.Node) *yaml.Node {
	if i := keyIndex(n, key); i >= 0 {
		return n.Content[i]
	}
	return def
}

func keyIndex(n *yaml.Node, key string) int {
	if n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return i
			}
		}
	}
	return -1
}

// item returns the i-th element of sequence n, or n.
func item(n *yaml.Node, i int) *yaml.Node {
	if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
		return n.Content[i]
	}
	return n
}
