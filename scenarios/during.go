package scenarios

import (
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-dev/harness/timeline"
)

// rawDuring is the mapping form of `during`.
type rawDuring struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
}

// during checks the `during` of an invariant and returns its window's
// moments. It is either a fault's name (its window, <fault>.start to
// <fault>.end), `faults` (faults.start to faults.end), or a mapping
// {from: MOMENT, to: MOMENT} of two moments of the scenario. It replaces
// from and within, and only assertions (not steady-state checks) have it.
func (d *decoder) during(n *yaml.Node, raw *rawAssertion, moments []string, section string) (from, to string) {
	dn := valueOf(n, "during", n)
	if section != "assertions" {
		d.at(keyOf(n, "during", n), "steadyState checks take from and within, not during; expected an invariant under assertions")
		return "", ""
	}
	if raw.From != "" || raw.Within != "" {
		key := "from"
		if raw.From == "" {
			key = "within"
		}
		d.at(keyOf(n, key, n), "%s with during: an invariant's window is its during; expected either from and within (an SLO) or during (an invariant)", key)
	}
	faults := faultsOf(moments)
	switch dn.Kind {
	case yaml.ScalarNode:
		switch {
		case dn.Value == "faults":
			return timeline.FaultsStart, timeline.FaultsEnd
		case slices.Contains(faults, dn.Value):
			return timeline.FaultStart(dn.Value), timeline.FaultEnd(dn.Value)
		}
		d.at(dn, "during %q is not a fault of this scenario; valid: %s (all of them), or {from: MOMENT, to: MOMENT}",
			dn.Value, strings.Join(append(faults, "faults"), ", "))
	case yaml.MappingNode:
		d.checkFields(dn, reflect.TypeOf(rawDuring{}), "during")
		var w rawDuring
		if err := dn.Decode(&w); err != nil {
			d.yamlErrors(dn, err, "during: ")
			return "", ""
		}
		for _, m := range []struct{ key, val string }{{"from", w.From}, {"to", w.To}} {
			switch {
			case m.val == "" && absent(dn, m.key):
				d.at(dn, "during has no %s; expected %s: one of %s", m.key, m.key, strings.Join(moments, ", "))
			case m.val != "" && !slices.Contains(moments, m.val):
				d.at(valueOf(dn, m.key, dn), "%s %q is not a moment of this scenario; valid: %s", m.key, m.val, strings.Join(moments, ", "))
			}
		}
		if w.From != "" && w.From == w.To {
			d.at(valueOf(dn, "to", dn), "to %q is the window's from; expected a later moment", w.To)
		}
		return w.From, w.To
	default:
		d.at(dn, "during is %s; expected a fault's name, faults, or {from: MOMENT, to: MOMENT}", kindName(dn))
	}
	return "", ""
}

// faultsOf returns the fault names of a list of assertion moments.
func faultsOf(moments []string) []string {
	var out []string
	for _, m := range moments {
		if f, ok := strings.CutSuffix(m, ".start"); ok && m != timeline.FaultsStart {
			out = append(out, f)
		}
	}
	return out
}

// invariantTypes lists the assertion types with the invariant form.
func invariantTypes(o Options) []string {
	var out []string
	for _, t := range o.AssertionTypes() {
		if spec, ok := o.LookupAssertion(t); ok && spec.Invariant {
			out = append(out, t)
		}
	}
	return out
}
