package scenarios

import (
	"fmt"
	"slices"
	"sort"
	"strings"

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
		out[p.Name] = v
	}
	for k := range set {
		if _, ok := out[k]; !ok {
			sort.Strings(names)
			return nil, fmt.Errorf("%s: scenario %s has no parameter %q; its parameters: %s", s.File, s.Metadata.Name, k, orNone(names))
		}
	}
	return out, nil
}

// Expand replaces ${NAME} in a text with the parameter's value, as text.
// Manifests go through Substitute, which applies it inside each YAML
// scalar only.
func Expand(manifest []byte, params map[string]string) []byte {
	if len(params) == 0 {
		return manifest
	}
	pairs := make([]string, 0, 2*len(params))
	for k, v := range params {
		pairs = append(pairs, "${"+k+"}", v)
	}
	return []byte(strings.NewReplacer(pairs...).Replace(string(manifest)))
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
