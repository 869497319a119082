package scenarios

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
)

func validateFaults(c *errs, list *yaml.Node, raws []rawFault) []FaultEntry {
	var out []FaultEntry
	seen := map[string]bool{}
	for i, raw := range raws {
		n := item(list, i)
		e := FaultEntry{Name: raw.Name, Type: raw.Type, Target: raw.Target, After: raw.After, Line: n.Line}
		checkName(c, n, raw.Name, seen, "fault")
		if raw.After != "" && !seen[raw.After] || raw.After == raw.Name && raw.After != "" {
			c.at(valueOf(n, "after", n), "after %q: expected the name of a fault declared before this one", raw.After)
		}
		e.At = duration(c, valueOf(n, "at", n), raw.At, "at")
		e.Duration = duration(c, valueOf(n, "duration", n), raw.Duration, "duration")
		spec, ok := faults.Lookup(raw.Type)
		if !ok {
			c.at(valueOf(n, "type", n), "unknown fault type %q; valid types: %s", raw.Type, quoteAll(faults.Types()))
			continue
		}
		switch {
		case spec.NeedsDuration && e.Duration == 0:
			c.at(n, "fault %s (%s) needs a duration, such as duration: 30s", raw.Name, raw.Type)
		case !spec.NeedsDuration && raw.Duration != "":
			c.at(valueOf(n, "duration", n), "fault type %s is instant and takes no duration", raw.Type)
		}
		if raw.Target == (faults.Target{}) {
			c.at(n, "fault %s needs a target (component, node, or namespace and selector)", raw.Name)
			continue
		}
		params, ok := decodeParams(c, &raws[i].Params, spec.NewParams, raw.Type)
		if !ok {
			continue
		}
		e.Params = params
		f, err := spec.New(faults.Common{Name: raw.Name, Target: raw.Target, Duration: e.Duration}, params)
		if err != nil {
			c.at(paramsNode(n), "fault %s: %v", raw.Name, err)
			continue
		}
		e.Fault = f
		out = append(out, e)
	}
	return out
}

func validateAssertions(c *errs, list *yaml.Node, raws []rawAssertion, moments []string, section string) []AssertionEntry {
	var out []AssertionEntry
	seen := map[string]bool{}
	for i, raw := range raws {
		n := item(list, i)
		e := AssertionEntry{Name: raw.Name, Type: raw.Type, From: raw.From, Line: n.Line}
		checkName(c, n, raw.Name, seen, "assertion")
		if !slices.Contains(moments, raw.From) {
			c.at(valueOf(n, "from", n), "from %q is not a moment of this scenario; valid in %s: %s", raw.From, section, strings.Join(moments, ", "))
		}
		e.Within = duration(c, valueOf(n, "within", n), raw.Within, "within")
		if e.Within == 0 && raw.Within == "" {
			c.at(n, "assertion %s needs within: the SLO, such as within: 60s", raw.Name)
		}
		spec, ok := assertions.Lookup(raw.Type)
		if !ok {
			c.at(valueOf(n, "type", n), "unknown assertion type %q; valid types: %s", raw.Type, quoteAll(assertions.Types()))
			continue
		}
		params, ok := decodeParams(c, &raws[i].Params, spec.NewParams, raw.Type)
		if !ok {
			continue
		}
		e.Params = params
		a, err := spec.New(assertions.Common{Name: raw.Name, From: raw.From, Within: e.Within}, params)
		if err != nil {
			c.at(paramsNode(n), "assertion %s: %v", raw.Name, err)
			continue
		}
		e.Assertion = a
		out = append(out, e)
	}
	return out
}

func checkName(c *errs, n *yaml.Node, name string, seen map[string]bool, what string) {
	switch {
	case name == "":
		c.at(n, "%s needs a name", what)
	case !nameRE.MatchString(name):
		c.at(valueOf(n, "name", n), "%s name %q: expected lowercase letters, digits and '-'", what, name)
	case seen[name]:
		c.at(valueOf(n, "name", n), "%s name %q is used twice; names must be unique", what, name)
	}
	seen[name] = true
}

func paramsNode(n *yaml.Node) *yaml.Node { return valueOf(n, "params", n) }
