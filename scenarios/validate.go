package scenarios

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/harness-dev/harness/timeline"
)

var (
	nameRE    = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	versionRE = regexp.MustCompile(`^v\d+\.\d+\.\d+$`)
	kindRE    = regexp.MustCompile(`^[A-Z][A-Za-z0-9]{0,62}$`)
)

// Input limits besides MaxFileSize, MaxErrors and MaxChoices.
const (
	// MaxNameLength bounds every name (metadata.name, faults, assertions,
	// parameters): a DNS label.
	MaxNameLength = 63
	// MaxWorkers bounds cluster.workers.
	MaxWorkers = 5
	// MaxDuration bounds every duration of a scenario: offsets, fault
	// durations, SLOs, trigger delays and timeouts, waitFor timeouts.
	MaxDuration = 24 * time.Hour
)

// WaitKinds are the kinds setup.waitFor knows how to wait for; any other
// kind needs apiVersion (and waits for its condition, default Ready).
var WaitKinds = []string{"Deployment", "DaemonSet", "Pod", "Job", "Service", "CustomResourceDefinition"}

// validate checks the raw document and builds the scenario.
func (d *decoder) validate(doc *yaml.Node, raw *rawDoc) *Scenario {
	d.exact(doc, "apiVersion", raw.APIVersion, APIVersion)
	d.exact(doc, "kind", raw.Kind, Kind)
	meta := valueOf(doc, "metadata", doc)
	d.name(meta, raw.Metadata.Name, "metadata.name", nil)
	sc := &Scenario{File: d.file, Metadata: raw.Metadata, Cluster: raw.Cluster}
	sc.Parameters = d.parameters(valueOf(doc, "parameters", doc), raw.Parameters)
	d.cluster(valueOf(doc, "cluster", doc), &sc.Cluster)
	sc.Setup = d.setup(valueOf(doc, "setup", doc), raw.Setup, sc.Parameters)
	sc.Faults = d.faults(valueOf(doc, "faults", doc), raw.Faults)
	var names []string
	for _, f := range raw.Faults {
		names = append(names, f.Name)
	}
	seen := map[string]bool{} // steady-state checks and assertions share probe names
	sc.SteadyState = d.assertions(valueOf(doc, "steadyState", doc), raw.SteadyState, newMomentSet(timeline.SteadyStateMoments), "steadyState", seen)
	sc.Assertions = d.assertions(valueOf(doc, "assertions", doc), raw.Assertions, newMoments(names), "assertions", seen)
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
	case len(name) > MaxNameLength:
		d.at(valueOf(n, "name", n), "%s is %d characters long; expected at most %d (lowercase letters, digits and '-')", what, len(name), MaxNameLength)
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
		d.at(valueOf(n, "provider", n), "unknown cluster provider %q; valid providers: %s", cl.Provider, choices(Providers))
	}
	if cl.ControlPlanes < 0 || cl.ControlPlanes > MaxControlPlanes {
		d.at(valueOf(n, "controlPlanes", n), "controlPlanes %d: expected 1 to %d control-plane nodes (0 means 1)", cl.ControlPlanes, MaxControlPlanes)
	}
	if cl.Workers < 0 || cl.Workers > MaxWorkers {
		d.at(valueOf(n, "workers", n), "workers %d: expected 0 to %d worker nodes (besides the control plane)", cl.Workers, MaxWorkers)
	}
	if v := cl.KubernetesVersion; v != "" && !versionRE.MatchString(v) {
		d.at(valueOf(n, "kubernetesVersion", n), "kubernetesVersion %q not valid; expected a version such as v1.35.4", v)
	}
	if cl.NodeImage != "" {
		if err := ValidateImage(cl.NodeImage); err != nil {
			d.at(valueOf(n, "nodeImage", n), "nodeImage: %v", err)
		} else if err := CheckNodeImage(cl.NodeImage, cl.KubernetesVersion); err != nil {
			d.at(valueOf(n, "nodeImage", n), "%v", err)
		}
	}
	if r := cl.Reuse; r != "" && (len(r) > MaxNameLength || !nameRE.MatchString(r)) {
		d.at(valueOf(n, "reuse", n), "reuse %q not valid; expected the name of a kind cluster (lowercase letters, digits and '-', at most %d)", r, MaxNameLength)
	}
}

func (d *decoder) setup(n *yaml.Node, raw rawSetup, params []Parameter) Setup {
	s := Setup{Images: raw.Images}
	for i, m := range raw.Manifests {
		s.Manifests = append(s.Manifests, d.manifest(item(valueOf(n, "manifests", n), i), m, params))
	}
	for i, img := range raw.Images {
		in := item(valueOf(n, "images", n), i)
		d.image(in, img, params)
		s.imageAt = append(s.imageAt, fmt.Sprintf("%s:%d:%d", d.file, in.Line, in.Column))
	}
	for i, w := range raw.WaitFor {
		s.WaitFor = append(s.WaitFor, d.waitFor(item(valueOf(n, "waitFor", n), i), w))
	}
	return s
}

func (d *decoder) waitFor(n *yaml.Node, w rawWaitFor) WaitFor {
	switch {
	case w.Kind == "":
		d.at(n, "waitFor kind missing; expected one of %s, or a kind with its apiVersion", choices(WaitKinds))
	case !slices.Contains(WaitKinds, w.Kind) && w.APIVersion == "":
		d.at(valueOf(n, "kind", n), "waitFor kind %q needs apiVersion (its status condition is waited for); %sknown kinds: %s",
			w.Kind, didYouMean(w.Kind, WaitKinds), choices(WaitKinds))
	case w.Condition != "" && slices.Contains(WaitKinds, w.Kind):
		d.at(valueOf(n, "condition", n), "waitFor condition applies to other kinds; %s has its own readiness", w.Kind)
	}
	if w.Name == "" {
		d.at(n, "waitFor name missing; expected the name of the %s to wait for", w.Kind)
	}
	ns := w.Namespace
	if ns == "" {
		ns = "default"
	}
	if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
		d.at(valueOf(n, "namespace", n), "waitFor namespace %q not valid; expected a namespace name: %s", ns, strings.Join(msgs, "; "))
	}
	nameRule := validation.IsDNS1123Subdomain
	if w.Kind == "Service" {
		nameRule = validation.IsDNS1035Label // a Service's name is a DNS label
	}
	if msgs := nameRule(w.Name); w.Name != "" && len(msgs) > 0 {
		d.at(valueOf(n, "name", n), "waitFor name %q not valid; expected an object name: %s", w.Name, strings.Join(msgs, "; "))
	}
	d.waitForType(n, w)
	timeout := d.duration(n, "timeout", w.Timeout)
	return WaitFor{Kind: w.Kind, APIVersion: w.APIVersion, Namespace: ns, Name: w.Name, Condition: w.Condition, Timeout: timeout}
}

// waitForType checks the kind, apiVersion and condition names: they reach
// only client-go, but must still be names (a kind is a CamelCase
// identifier, a condition a qualified name, see k8s.io/apimachinery
// validation).
func (d *decoder) waitForType(n *yaml.Node, w rawWaitFor) {
	if w.Kind != "" && !kindRE.MatchString(w.Kind) {
		d.at(valueOf(n, "kind", n), "waitFor kind %q not valid; expected a kind such as Deployment", w.Kind)
	}
	if w.APIVersion != "" {
		d.waitForAPIVersion(valueOf(n, "apiVersion", n), w)
	}
	if msgs := validation.IsQualifiedName(w.Condition); w.Condition != "" && len(msgs) > 0 {
		d.at(valueOf(n, "condition", n), "waitFor condition %q not valid; expected a condition type such as Ready: %s", w.Condition, strings.Join(msgs, "; "))
	}
}

// builtinAPIVersions are the apiVersions of the kinds whose readiness the
// harness knows (WaitKinds).
var builtinAPIVersions = map[string]string{
	"Deployment": "apps/v1", "DaemonSet": "apps/v1", "Pod": "v1", "Job": "batch/v1", "Service": "v1",
	"CustomResourceDefinition": "apiextensions.k8s.io/v1",
}

// waitForAPIVersion checks a waitFor apiVersion: a group (a DNS subdomain,
// or none for the core group) and a version (a DNS label such as v1 or
// v1beta1); for a kind of WaitKinds, the one apiVersion it is served at.
func (d *decoder) waitForAPIVersion(n *yaml.Node, w rawWaitFor) {
	gv, err := schema.ParseGroupVersion(w.APIVersion)
	valid := err == nil && gv.Version != "" && len(validation.IsDNS1035Label(gv.Version)) == 0 &&
		(gv.Group == "" || len(validation.IsDNS1123Subdomain(gv.Group)) == 0)
	if !valid {
		d.at(n, "waitFor apiVersion %q not valid; expected group/version such as apps/v1 or example.com/v1 (lowercase), or v1 for the core group", w.APIVersion)
		return
	}
	if want, ok := builtinAPIVersions[w.Kind]; ok && w.APIVersion != want {
		d.at(n, "waitFor apiVersion %q does not serve %s; expected %s (or no apiVersion)", w.APIVersion, w.Kind, want)
	}
}

// duration parses field key of mapping n, written as text; empty is zero.
func (d *decoder) duration(n *yaml.Node, key string, text durationText) time.Duration {
	s := string(text)
	if s == "" {
		return 0
	}
	v, err := time.ParseDuration(s)
	switch {
	case err != nil || v < 0:
		d.at(valueOf(n, key, n), "%s %q is not a duration; expected a positive number with a unit, such as 30s, 2m or 1m30s", key, s)
		return 0
	case v > MaxDuration:
		d.at(valueOf(n, key, n), "%s %q is too long; expected at most %s (a run is bounded)", key, s, shortDuration(MaxDuration))
		return 0
	}
	return v
}

// shortDuration prints 24h rather than 24h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
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
