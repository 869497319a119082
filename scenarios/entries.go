package scenarios

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
)

func (d *decoder) faults(list *yaml.Node, raws []rawFault) []FaultEntry {
	var out []FaultEntry
	seen := map[string]bool{}
	earlier := map[string]bool{}
	var earlierNames, all []string
	for _, r := range raws {
		all = append(all, r.Name)
	}
	moments := newMoments(all)
	for i := range raws {
		n := item(list, i)
		if after := raws[i].After; after != "" && !earlier[after] {
			d.at(valueOf(n, "after", n), "after %q is not a fault declared before this one; valid: %s", after, choices(earlierNames))
		}
		if e, ok := d.fault(n, &raws[i], seen, moments); ok {
			out = append(out, e)
		}
		earlier[raws[i].Name] = true
		earlierNames = append(earlierNames, raws[i].Name)
	}
	if len(out) == len(raws) {
		d.checkCycles(list, out)
	}
	return out
}

// fault checks one fault; seen holds the fault names so far.
func (d *decoder) fault(n *yaml.Node, raw *rawFault, seen map[string]bool, moments *momentSet) (FaultEntry, bool) {
	e := FaultEntry{Name: raw.Name, Type: raw.Type, Target: raw.Target, After: raw.After, Line: n.Line, ExpectNoEffect: raw.ExpectNoEffect}
	d.name(n, raw.Name, "fault name", seen)
	e.At = d.duration(n, "at", raw.At)
	e.Trigger = d.trigger(n, raw, moments)
	spec, ok := d.opts.LookupFault(raw.Type)
	if !ok {
		d.unknownType(n, "fault", raw.Type, d.opts.FaultTypes())
		return e, false
	}
	if spec.Targets&faults.WorkloadRequired != 0 && raw.Target == (faults.Target{}) && absent(n, "target") && !d.pruned[valueOf(n, "target", n)] {
		d.at(valueOf(n, "target", n), "fault %s has no target; expected target: with component, or namespace and selector", raw.Name)
	}
	e.Duration = d.faultDuration(n, spec, raw)
	params, ok := d.params(&raw.Params, spec.NewParams, raw.Type)
	if !ok || d.problemsWithin(n) {
		return e, false
	}
	e.Params = params
	f, errs := spec.Build(faults.Common{Name: raw.Name, Target: raw.Target, Duration: e.Duration}, params)
	if len(errs) > 0 {
		d.fieldErrors(n, "fault "+raw.Name, errs)
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

func (d *decoder) assertions(list *yaml.Node, raws []rawAssertion, moments *momentSet, section string, seen map[string]bool) []AssertionEntry {
	var out []AssertionEntry
	for i := range raws {
		if e, ok := d.assertion(item(list, i), &raws[i], moments, section, seen); ok {
			out = append(out, e)
		}
	}
	return out
}

// assertion checks one assertion of section (assertions or steadyState),
// whose from must be one of moments; the first moment is the default. An
// assertion with `during` is an invariant over that window instead.
func (d *decoder) assertion(n *yaml.Node, raw *rawAssertion, moments *momentSet, section string, seen map[string]bool) (AssertionEntry, bool) {
	what := map[string]string{"assertions": "assertion", "steadyState": "steadyState check"}[section]
	e := AssertionEntry{Name: raw.Name, Type: raw.Type, From: raw.From, Line: n.Line}
	d.name(n, raw.Name, what+" name", seen)
	if raw.During.Kind != 0 {
		e.From, e.Until = d.during(n, raw, moments.list, section)
	} else {
		d.sloWindow(n, raw, &e, moments, section, what)
	}
	spec, ok := d.opts.LookupAssertion(raw.Type)
	if !ok {
		d.unknownType(n, "assertion", raw.Type, d.opts.AssertionTypes())
		return e, false
	}
	if e.Until != "" && !spec.Invariant {
		d.at(keyOf(n, "during", n), "assertion type %s has no invariant form (during); expected from and within, or a type with during: %s",
			raw.Type, strings.Join(invariantTypes(d.opts), ", "))
	}
	params, ok := d.params(&raw.Params, spec.NewParams, raw.Type)
	if !ok || d.problemsWithin(n) {
		return e, false
	}
	e.Params = params
	a, errs := spec.New(assertions.Common{Name: raw.Name, From: e.From, Within: e.Within, Until: e.Until}, params)
	if len(errs) > 0 {
		d.fieldErrors(n, what+" "+raw.Name, errs)
		return e, false
	}
	e.Assertion = a
	return e, true
}

// sloWindow checks the from and within of an SLO (or steady-state check).
func (d *decoder) sloWindow(n *yaml.Node, raw *rawAssertion, e *AssertionEntry, moments *momentSet, section, what string) {
	if e.From == "" && section == "steadyState" {
		e.From = moments.list[0]
	}
	switch {
	case e.From == "" && absent(n, "from"):
		d.at(n, "%s %s has no from; expected from: one of %s (or, for an invariant, during: a fault)", what, raw.Name, choices(moments.list))
	case e.From != "" && !moments.has[e.From]:
		d.at(valueOf(n, "from", n), "from %q is not a moment of this scenario; valid in %s: %s", e.From, section, choices(moments.list))
	}
	missing := fmt.Sprintf("%s %s has no within; expected within: the SLO, such as 60s", what, raw.Name)
	e.Within = d.required(n, "within", raw.Within, missing)
}

func (d *decoder) unknownType(n *yaml.Node, what, typ string, valid []string) {
	if typ == "" {
		d.at(n, "%s type missing; valid types: %s", what, choices(valid))
		return
	}
	d.at(valueOf(n, "type", n), "unknown %s type %q; valid types: %s", what, typ, choices(valid))
}

// required parses field key of mapping n, which must be set and above zero.
func (d *decoder) required(n *yaml.Node, key string, s durationText, missing string) time.Duration {
	if s == "" {
		if absent(n, key) {
			d.at(n, "%s", missing)
		}
		return 0
	}
	v := d.duration(n, key, s)
	if parsed, err := time.ParseDuration(string(s)); err == nil && parsed == 0 {
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

// fieldErrors reports the errors of a Spec's New, each at the node its
// field path (params.signal, target.component, params.certs[1]) names
// under the entry n, or at the entry's params when the path names nothing
// written (a default that is invalid with the rest).
func (d *decoder) fieldErrors(n *yaml.Node, what string, errs field.ErrorList) {
	for _, e := range errs {
		d.at(fieldNode(n, e.Field), "%s: %s", what, e.Error())
	}
}

// fieldNode walks a field path (a.b[2].c) from the mapping n.
func fieldNode(n *yaml.Node, path string) *yaml.Node {
	cur := n
	for _, part := range strings.Split(path, ".") {
		key, rest, _ := strings.Cut(part, "[")
		next := valueOf(cur, key, nil)
		for next != nil && rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(idx)
			if err != nil || next.Kind != yaml.SequenceNode || i >= len(next.Content) {
				break
			}
			next, rest = next.Content[i], strings.TrimPrefix(after, "[")
		}
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
func orNone(names []string) string { return choices(names) }
