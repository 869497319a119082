package scenarios

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Parameter is a value a scenario's manifests take from the command line
// (`harness run --param NAME=VALUE`); manifests say ${NAME} where it goes.
type Parameter struct {
	Name string `yaml:"name"`
	// Values, when set, are the only values allowed.
	Values  []string `yaml:"values"`
	Default string   `yaml:"default"`
}

func (d *decoder) parameters(n *yaml.Node, raw []Parameter) []Parameter {
	seen := map[string]bool{}
	for i, p := range raw {
		pn := item(n, i)
		d.name(pn, p.Name, "parameter name", seen)
		if len(p.Values) > 0 && !slices.Contains(p.Values, p.Default) {
			d.at(valueOf(pn, "default", pn), "parameter %s: default %q is not one of its values; expected one of %s",
				p.Name, p.Default, strings.Join(p.Values, ", "))
		}
	}
	return raw
}

// ResolveParams returns the value of every parameter of the scenario: the
// one given in set, else its default. A name that is not a parameter, or a
// value that is not allowed, is an error that lists the valid choices.
func (s *Scenario) ResolveParams(set map[string]string) (map[string]string, error) {
	out := map[string]string{}
	var names []string
	for _, p := range s.Parameters {
		names = append(names, p.Name)
		v, ok := set[p.Name]
		if !ok {
			v = p.Default
		}
		if len(p.Values) > 0 && !slices.Contains(p.Values, v) {
			return nil, fmt.Errorf("%s: parameter %s=%q not allowed; valid values: %s", s.File, p.Name, v, strings.Join(p.Values, ", "))
		}
		if !utf8.ValidString(v) {
			return nil, fmt.Errorf("%s: parameter %s=%q is not valid UTF-8; expected text", s.File, p.Name, v)
		}
		out[p.Name] = v
	}
	for k := range set {
		if _, ok := out[k]; !ok {
			sort.Strings(names)
			return nil, fmt.Errorf("%s: scenario %s has no parameter %q; its parameters: %s", s.File, s.Metadata.Name, k, orNone(names))
		}
	}
	if err := s.Setup.checkImages(out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkImages checks setup.images with the run's parameter values, before
// any cluster exists: an image that names only declared parameters must
// then be an image reference. One that names a built-in parameter (a fact
// of the cluster) is checked once the cluster exists, before it is used.
func (st Setup) checkImages(params map[string]string) error {
	for i, img := range st.Images {
		if slices.ContainsFunc(placeholders(img), func(n string) bool { return slices.Contains(BuiltinParams, n) }) {
			continue
		}
		if err := ValidateImage(string(Expand([]byte(img), params))); err != nil {
			at := ""
			if i < len(st.imageAt) {
				at = st.imageAt[i] + ": "
			}
			return fmt.Errorf("%s%q with the run's parameters: %w", at, img, err)
		}
	}
	return nil
}

// Expand replaces each ${NAME} of a text with the parameter's value and
// each $${ with a literal ${, as in a manifest's scalars; a placeholder of
// no given parameter stays as written. setup.images go through it.
func Expand(text []byte, params map[string]string) []byte {
	if !bytes.Contains(text, []byte("${")) {
		return text
	}
	return []byte(placeholderRE.ReplaceAllStringFunc(string(text), func(p string) string {
		if p == "$${" {
			return "${"
		}
		if v, ok := params[p[2:len(p)-1]]; ok {
			return v
		}
		return p
	}))
}

// The built-in parameters: facts of the cluster a run gets, which a
// manifest (or an image of setup.images) names as ${NAME} like a declared
// parameter. They are known once the cluster exists.
const (
	ParamNodeSubnet      = "HARNESS_NODE_SUBNET"       // the node network's IPv4 subnet, e.g. 172.18.0.0/16
	ParamControlPlaneIP  = "HARNESS_CONTROL_PLANE_IP"  // the first control-plane node's InternalIP
	ParamControlPlaneIPs = "HARNESS_CONTROL_PLANE_IPS" // every control-plane node's, comma-separated
	ParamWorkerIPs       = "HARNESS_WORKER_IPS"        // every worker's, comma-separated (empty without workers)
	ParamFreeIP          = "HARNESS_FREE_IP"           // an address of the node network no node uses (a VIP)
)

// BuiltinParams are the names of the built-in parameters.
var BuiltinParams = []string{ParamNodeSubnet, ParamControlPlaneIP, ParamControlPlaneIPs, ParamWorkerIPs, ParamFreeIP}
