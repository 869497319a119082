package scenarios

import (
	"strings"
	"testing"
)

const duringHead = `apiVersion: harness.dev/v1alpha1
kind: Scenario
metadata: {name: during}
faults:
  - {name: kill-kcm, type: kill, target: {component: kube-controller-manager}}
  - {name: cut, type: partition, target: {node: control-plane}, duration: 10s}
assertions:
`

const webState = `params: {apiVersion: apps/v1, kind: Deployment, namespace: default, name: web, expression: "object.status.availableReplicas >= 1"}`

func TestDecodeDuring(t *testing.T) {
	t.Parallel()
	doc := duringHead + `  - name: a
    type: objectState
    during: cut
    ` + webState + `
  - name: b
    type: objectState
    during: faults
    ` + webState + `
  - name: c
    type: objectState
    during: {from: kill-kcm.end, to: cut.end}
    ` + webState + `
  - name: d
    type: objectState
    from: cut.end
    within: 30s
    ` + webState + `
`
	sc, err := Decode("during.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]string{{"cut.start", "cut.end", "0s"}, {"faults.start", "faults.end", "0s"}, {"kill-kcm.end", "cut.end", "0s"}, {"cut.end", "", "30s"}}
	for i, e := range sc.Assertions {
		if e.From != want[i][0] || e.Until != want[i][1] || e.Within.String() != want[i][2] {
			t.Errorf("assertion %s: from %q until %q within %s, want %v", e.Name, e.From, e.Until, e.Within, want[i])
		}
	}
}

func TestDecodeDuringErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ entry, want string }{
		{"type: objectState\n    during: kill\n    " + webState,
			`10:13: during "kill" is not a fault of this scenario; valid: kill-kcm, cut, faults (all of them), or {from: MOMENT, to: MOMENT}`},
		{"type: objectState\n    during: cut\n    from: cut.end\n    " + webState,
			"11:5: from with during: an invariant's window is its during; expected either from and within (an SLO) or during (an invariant)"},
		{"type: objectState\n    during: cut\n    within: 10s\n    " + webState, "11:5: within with during"},
		{"type: leaseHeld\n    during: cut\n    params: {lease: kube-system/x}",
			"10:5: assertion type leaseHeld has no invariant form (during); expected from and within, or a type with during: httpAvailable, objectState, reconciles, metric, dnsResolves, logLine, nodeReady"},
		{"type: objectState\n    during: {from: cut.start, to: cut.ends}\n    " + webState,
			`10:35: to "cut.ends" is not a moment of this scenario; valid: steady-state, faults.start, faults.end, kill-kcm.start, kill-kcm.end, cut.start, cut.end`},
		{"type: objectState\n    during: {from: cut.start}\n    " + webState, "10:13: during has no to; expected to: one of steady-state"},
		{"type: objectState\n    during: {from: cut.start, until: cut.end}\n    " + webState, `10:31: field "until" not valid in during; valid fields: from, to`},
		{"type: objectState\n    during: [cut]\n    " + webState, "10:13: during is a list; expected a fault's name, faults, or {from: MOMENT, to: MOMENT}"},
		{"type: objectState\n    during: cut\n    params: {apiVersion: apps/v1, kind: Deployment, name: web, expression: \"object.status.x >\"}",
			"11:76: assertion a: params.expression: Invalid value: \"object.status.x >\": not a CEL expression: column 18: Syntax error"},
	} {
		doc := duringHead + "  - name: a\n    " + tt.entry + "\n"
		_, err := Decode("d.yaml", []byte(doc))
		if err == nil || !strings.Contains(err.Error(), "d.yaml:"+tt.want) {
			t.Errorf("entry %q:\n got %v\nwant d.yaml:%s", tt.entry, err, tt.want)
		}
	}
	steady := strings.Replace(duringHead, "assertions:\n", "steadyState:\n  - name: s\n    type: objectState\n    during: cut\n    "+webState+
		"\nassertions:\n  - {name: x, type: leaseHeld, from: cut.end, within: 1s, params: {lease: kube-system/x}}\n", 1)
	if _, err := Decode("d.yaml", []byte(steady)); err == nil || !strings.Contains(err.Error(), "d.yaml:10:5: steadyState checks take from and within, not during") {
		t.Errorf("during in steadyState: %v", err)
	}
}
