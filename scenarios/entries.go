package scenarios

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
)

func (d *decoder) faults(list *yaml.Node, raws []rawFault) []FaultEntry {
	var out []FaultEntry
	seen := map[string]bool{}
	var earlier, all []string
	for _, r := range raws {
		all = append(all, r.Name)
	}
	for i := range raws {
		n := item(list, i)
		if after := raws[i].After; after != "" && !slices.Contains(earlier, after) {
			d.at(valueOf(n, "after", n), "after %q is not a fault declared before this one; valid: %s", after, orNone(earlier))
		}
		if e, ok := d.fault(n, &raws[i], seen, all); ok {
			out = append(out, e)
		}
		earlier = append(earlier, raws[i].Name)
	}
	return out
}

// fault checks one fault; seen holds the fault names so far.
func (d *decoder) fault(n *yaml.Node, raw *rawFault, seen map[string]bool, all []string) (FaultEntry, bool) {
	e := FaultEntry{Name: raw.Name, Type: raw.Type, Target: raw.Target, After: raw.After, Line: n.Line}
	d.name(n, raw.Name, "fault name", seen)
	e.At = d.duration(n, "at", raw.At)
	e.Trigger = d.trigger(n, raw, all)
	if raw.Target == (faults.Target{}) && absent(n, "target") {
		d.at(valueOf(n, "target", n), "fault %s has no target; expected target: with component, node, or namespace and selector", raw.Name)
	}
	spec, ok := d.opts.LookupFault(raw.Type)
	if !ok {
		d.unknownType(n, "fault", raw.Type, d.opts.FaultTypes())
		return e, false
	}
	e.Duration = d.faultDuration(n, spec, raw)
	params, ok := d.params(&raw.Params, spec.NewParams, raw.Type)
	if !ok || d.errorsWithin(n) {
		return e, false
	}
	e.Params = params
	f, err := spec.New(faults.Common{Name: raw.Name, Target: raw.Target, Duration: e.Duration}, params)
	if err != nil {
		d.at(errNode(n, err), "fault %s: %v", raw.Name, err)
		return e, false
	}
	e.Fault = f
	return e, true
}

// faultDuration checks that faults lasting until reverted have a duration
// and instant ones have none.
func (d *decoder) faultDuration(n *yaml.Node, spec faults.Spec, raw *rawFault) time.Duration {
	if !spec.NeedsDuration {
		if raw.Duration != "" {
			d.at(valueOf(n, "duration", n), "fault type %s is instant and takes no duration; expected no duration field", raw.Type)
		}
		return 0
	}
	missing := fmt.Sprintf("fault %s (%s) has no duration; expected duration: how long it lasts, such as 30s", raw.Name, raw.Type)
	return d.required(n, "duration", raw.Duration, missing)
}

func (d *decoder) assertions(list *yaml.Node, raws []rawAssertion, moments []string, section string, seen map[string]bool) []AssertionEntry {
	var out []AssertionEntry
	for i := range raws {
		if e, ok := d.assertion(item(list, i), &raws[i], moments, section, seen); ok {
			out = append(out, e)
		}
	}
	return out
}

// assertion checks one assertion of section (assertions or steadyState),
// whose from must be one of moments; the first moment is the default.
func (d *decoder) assertion(n *yaml.Node, raw *rawAssertion, moments []string, section string, seen map[string]bool) (AssertionEntry, bool) {
	what := map[string]string{"assertions": "assertion", "steadyState": "steadyState check"}[section]
	e := AssertionEntry{Name: raw.Name, Type: raw.Type, From: raw.From, Line: n.Line}
	d.name(n, raw.Name, what+" name", seen)
	if e.From == "" && section == "steadyState" {
		e.From = moments[0]
	}
	switch {
	case e.From == "" && absent(n, "from"):
		d.at(n, "%s %s has no from; expected from: one of %s", what, raw.Name, strings.Join(moments, ", "))
	case e.From != "" && !slices.Contains(moments, e.From):
		d.at(valueOf(n, "from", n), "from %q is not a moment of this scenario; valid in %s: %s", e.From, section, strings.Join(moments, ", "))
	}
	missing := fmt.Sprintf("%s %s has no within; expected within: the SLO, such as 60s", what, raw.Name)
	e.Within = d.required(n, "within", raw.Within, missing)
	spec, ok := d.opts.LookupAssertion(raw.Type)
	if !ok {
		d.unknownType(n, "assertion", raw.Type, d.opts.AssertionTypes())
		return e, false
	}
	params, ok := d.params(&raw.Params, spec.NewParams, raw.Type)
	if !ok || d.errorsWithin(n) {
		return e, false
	}
	e.Params = params
	a, err := spec.New(assertions.Common{Name: raw.Name, From: e.From, Within: e.Within}, params)
	if err != nil {
		d.at(errNode(n, err), "%s %s: %v", what, raw.Name, err)
		return e, false
	}
	e.Assertion = a
	return e, true
}

func (d *decoder) unknownType(n *yaml.Node, what, typ string, valid []string) {
	if typ == "" {
		d.at(n, "%s type missing; valid types: %s", what, strings.Join(valid, ", "))
		return
	}
	d.at(valueOf(n, "type", n), "unknown %s type %q; valid types: %s", what, typ, strings.Join(valid, ", "))
}

// required parses field key of mapping n, which must be set and above zero.
func (d *decoder) required(n *yaml.Node, key, s, missing string) time.Duration {
	if s == "" {
		if absent(n, key) {
			d.at(n, "%s", missing)
		}
		return 0
	}
	v := d.duration(n, key, s)
	if parsed, err := time.ParseDuration(s); err == nil && parsed == 0 {
		d.at(valueOf(n, key, n), "%s %q: expected more than zero", key, s)
	}
	return v
}

// params decodes n strictly into a new parameter struct of the type typ.
func (d *decoder) params(n *yaml.Node, newParams func() any, typ string) (any, bool) {
	if newParams == nil {
		if n.Kind != 0 {
			d.at(n, "type %s takes no params; expected no params field", typ)
		}
		return nil, n.Kind == 0
	}
	p := newParams()
	errs := len(d.list)
	d.checkFields(n, reflect.TypeOf(p), "the params of "+typ)
	if n.Kind != 0 {
		if err := n.Decode(p); err != nil {
			d.yamlErrors(n, err, "params of "+typ+": ")
		}
	}
	return p, len(d.list) == errs
}

// errNode finds the node an error of a Spec's New is about: it starts with
// the path of a field of the entry n, as in "params.signal: ...".
func errNode(n *yaml.Node, err error) *yaml.Node {
	path, _, ok := strings.Cut(err.Error(), ":")
	if !ok || strings.Contains(path, " ") {
		return valueOf(n, "params", n)
	}
	cur := n
	for _, key := range strings.Split(path, ".") {
		next := valueOf(cur, key, nil)
		if next == nil {
			break
		}
		cur = next
	}
	if cur == n {
		return valueOf(n, "params", n)
	}
	return cur
}

// orNone lists names for error messages.
func orNone(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}
