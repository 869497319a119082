package scenarios

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/scenarios/catalog"
	"github.com/harness-dev/harness/timeline"
)

// A fake registry, so that decoding is tested apart from the real types.

type stallParams struct {
	Mode  string `yaml:"mode"`
	Burst int    `yaml:"burst"`
}

type fakeFault struct {
	c faults.Common
	p any
}

func (fakeFault) Plan(context.Context, faults.Env) (faults.Revert, error) {
	return faults.Revert{}, nil
}
func (fakeFault) Inject(context.Context, faults.Env) error { return nil }

type holdsParams struct {
	Key string `yaml:"key"`
}

type fakeAssertion struct{ c assertions.Common }

func (fakeAssertion) Evaluate(*timeline.View) assertions.Verdict {
	return assertions.Verdict{Status: assertions.Passed}
}

var fakeFaults = []faults.Spec{
	{Type: "stall", NeedsDuration: true, Targets: faults.TargetNode, NewParams: func() any { return &stallParams{} },
		New: func(c faults.Common, p any) (faults.Fault, field.ErrorList) {
			if m := p.(*stallParams).Mode; m != "" && m != "read" {
				return nil, field.ErrorList{field.NotSupported(field.NewPath("params", "mode"), m, []string{"read"})}
			}
			if c.Target.Node == "" {
				return nil, field.ErrorList{field.Required(field.NewPath("target", "node"), "")}
			}
			return fakeFault{c, p}, nil
		}},
	{Type: "poke", Targets: faults.TargetNode, NewParams: func() any { return &struct{}{} },
		New: func(c faults.Common, p any) (faults.Fault, field.ErrorList) { return fakeFault{c, p}, nil }},
}

var fakeAssertions = []assertions.Spec{
	{Type: "holds", NewParams: func() any { return &holdsParams{} },
		New: func(c assertions.Common, p any) (assertions.Assertion, field.ErrorList) {
			if p.(*holdsParams).Key == "" {
				return nil, field.ErrorList{field.Required(field.NewPath("params", "key"), "")}
			}
			return fakeAssertion{c}, nil
		}},
}

var fake = Options{
	LookupFault:     func(typ string) (faults.Spec, bool) { return catalog.Lookup(fakeFaults, typ) },
	FaultTypes:      func() []string { return catalog.Names(fakeFaults) },
	LookupAssertion: func(typ string) (assertions.Spec, bool) { return catalog.Lookup(fakeAssertions, typ) },
	AssertionTypes:  func() []string { return catalog.Names(fakeAssertions) },
}

// fakeDoc is a scenario of fake types; faults and assertions are the
// indented lists of those sections.
func fakeDoc(faults, assertions string) []byte {
	return []byte("apiVersion: harness.dev/v1alpha1\nkind: Scenario\nmetadata: {name: fake}\n" +
		"faults:\n" + faults + "assertions:\n" + assertions)
}

const (
	stall = "  - {name: s, type: stall, target: {node: worker}, duration: 10s}\n" // line 5
	holds = "  - {name: h, type: holds, from: s.end, within: 5s, params: {key: k}}\n"
)

func TestFakeRegistryValid(t *testing.T) {
	t.Parallel()
	poke := "  - {name: p, type: poke, target: {node: worker}, after: s, at: 2s}\n"
	sc, err := fake.Decode("f.yaml", fakeDoc(stall+poke, holds))
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Faults[0].Fault.(fakeFault)
	if !ok || f.c.Duration != 10*time.Second || f.c.Name != "s" || f.c.Target.Node != "worker" {
		t.Fatalf("stall built wrong: %#v", sc.Faults[0])
	}
	if p := f.p.(*stallParams); p.Mode != "" || p.Burst != 0 {
		t.Fatalf("absent params must be the zero struct: %+v", p)
	}
	if sc.Faults[1].After != "s" || sc.Faults[1].At != 2*time.Second {
		t.Fatalf("poke decoded wrong: %+v", sc.Faults[1])
	}
	a, ok := sc.Assertions[0].Assertion.(fakeAssertion)
	if !ok || a.c.From != "s.end" || a.c.Within != 5*time.Second {
		t.Fatalf("holds built wrong: %#v", sc.Assertions[0])
	}
}

func TestFakeRegistryInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, faults, assertions string
		want                     []string // every problem, each with its position
	}{
		{"unknown params field", "  - {name: s, type: stall, target: {node: worker}, duration: 1s, params: {mdoe: read}}\n", holds,
			[]string{`f.yaml:5:75: field "mdoe" not valid in the params of stall; valid fields: mode, burst`}},
		{"params type", "  - {name: s, type: stall, target: {node: worker}, duration: 1s, params: {burst: lots}}\n", holds,
			[]string{`f.yaml:5:82: params of stall: burst: wrong type: got a string "lots"; expected an integer`}},
		{"New error at the param", "  - {name: s, type: stall, target: {node: worker}, duration: 1s, params: {mode: write}}\n", holds,
			[]string{`f.yaml:5:81: fault s: params.mode: Unsupported value: "write": supported values: "read"`}},
		{"New error at the target", "  - {name: s, type: stall, target: {selector: a=b}, duration: 1s}\n", holds,
			[]string{"f.yaml:5:36: fault s: target.namespace: Forbidden: stall takes node"}},
		{"missing duration", "  - {name: s, type: stall, target: {node: worker}}\n", holds,
			[]string{"f.yaml:5:5: fault s (stall) has no duration"}},
		{"duration on instant", stall + "  - {name: p, type: poke, target: {node: worker}, duration: 1s}\n", holds,
			[]string{"f.yaml:6:61: fault type poke is instant and takes no duration"}},
		{"real types unknown", "  - {name: k, type: kill, target: {node: worker}}\n", "  - {name: h, type: leaseHeld, from: k.end, within: 5s}\n",
			[]string{`f.yaml:5:21: unknown fault type "kill"; valid types: stall, poke`,
				`f.yaml:7:21: unknown assertion type "leaseHeld"; valid types: holds`}},
		{"assertion New error", stall, "  - {name: h, type: holds, from: s.end, within: 5s}\n",
			[]string{"f.yaml:7:5: assertion h: params.key: Required value"}},
		{"extra params field", stall, "  - {name: h, type: holds, from: s.end, within: 5s, params: {key: k, extra: 1}}\n",
			[]string{`f.yaml:7:70: field "extra" not valid in the params of holds; valid fields: key`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := fake.Decode("f.yaml", fakeDoc(tt.faults, tt.assertions))
			var list Errors
			if !errors.As(err, &list) || len(list) != len(tt.want) {
				t.Fatalf("error %v; want %d problems: %q", err, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(list[i].Error(), w) {
					t.Errorf("problem %d is\n  %s\nwant it to start with\n  %s", i, list[i], w)
				}
			}
		})
	}
}

func TestOptionsDefaultToTheRegistries(t *testing.T) {
	t.Parallel()
	// Only faults faked: the assertions come from the real registry.
	o := Options{LookupFault: fake.LookupFault, FaultTypes: fake.FaultTypes}
	doc := fakeDoc(stall, "  - {name: l, type: leaseHeld, from: s.end, within: 5s, params: {lease: kube-system/x}}\n")
	if _, err := o.Decode("f.yaml", doc); err != nil {
		t.Fatalf("fake faults with real assertions: %v", err)
	}
}
