package assertions

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/harness-dev/harness/timeline"
)

// deployment records an observation of Deployment default/web with
// availableReplicas available (-1: the field absent, as the apiserver
// serves a Deployment without available replicas).
func (b *tl) deployment(at float64, name string, available int) *tl {
	status := map[string]any{"replicas": 2}
	if available >= 0 {
		status["availableReplicas"] = available
	}
	content, _ := json.Marshal(map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": name, "namespace": "default", "uid": "u-" + name, "labels": map[string]any{"app": "web"}},
		"status":   status})
	return b.add(at, timeline.Event{Type: timeline.ObjectObserved, Action: timeline.Updated, Object: &timeline.Object{
		APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: name, UID: "u-" + name,
		Labels: map[string]string{"app": "web"}, Content: content}})
}

func (b *tl) deploymentDeleted(at float64, name string) *tl {
	b.deployment(at, name, 0)
	b.events[len(b.events)-1].Action = timeline.Deleted
	return b
}

func (b *tl) outage(start, relisted float64) *tl {
	b.add(start, timeline.Event{Type: timeline.OutageStarted})
	if relisted > 0 {
		b.add(relisted-0.5, timeline.Event{Type: timeline.OutageEnded}).add(relisted, timeline.Event{Type: timeline.Relisted})
	}
	return b
}

var webAvailable = &ObjectStateParams{ObjectRef: ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "web"},
	Expression: "object.status.availableReplicas >= 1"}

func TestObjectStateSLO(t *testing.T) {
	t.Parallel()
	c := Common{Name: "web", From: "kill.end", Within: s(30)}
	runVerdicts(t, "objectState", c, webAvailable, []verdictCase{
		{"available after the moment passes", new(tl).deployment(1, "web", 0).mark(10, "kill.end").deployment(22.5, "web", 2), 23, Passed,
			[]string{"Deployment default/web (object.status.availableReplicas >= 1) holds 12.5s after kill.end (SLO 30s): Deployment default/web: object.status.availableReplicas >= 1"}},
		{"already available at the moment passes at once", new(tl).deployment(1, "web", 1).mark(10, "kill.end"), 11, Passed, []string{"holds 0.0s after"}},
		{"never available fails with the last state", new(tl).deployment(1, "web", -1).mark(10, "kill.end").deployment(20, "web", 0), 46, Failed,
			[]string{"Deployment default/web (object.status.availableReplicas >= 1) not holds within 30s after kill.end (last seen: Deployment default/web: false)"}},
		{"a missing field does not hold", new(tl).mark(10, "kill.end").deployment(20, "web", -1), 46, Failed, []string{"no such key: availableReplicas"}},
		{"available too late fails", new(tl).deployment(1, "web", 0).mark(10, "kill.end").deployment(41, "web", 1), 46, Failed, nil},
		{"a missing object fails", new(tl).mark(10, "kill.end"), 46, Failed, []string{"last seen: no Deployment default/web"}},
		{"pending within the window", new(tl).mark(10, "kill.end").deployment(20, "web", 0), 30, Pending, nil},
		{"from an outage: the state before it does not count", new(tl).deployment(1, "web", 1).outage(8, 0).mark(10, "kill.end"), 30, Pending,
			[]string{"waiting for the recorder to see"}},
		{"from an outage: judged from the relist", new(tl).deployment(1, "web", 1).outage(8, 15).deployment(15, "web", 0).mark(10, "kill.end").
			deployment(25, "web", 1), 30, Passed, []string{"holds 15.0s after kill.end"}},
		{"an outage over the deadline is waited for", new(tl).mark(10, "kill.end").deployment(20, "web", 0).outage(35, 0), 60, Pending,
			[]string{"again after the apiserver outage"}},
	})
}

func TestObjectStateInvariant(t *testing.T) {
	t.Parallel()
	c := Common{Name: "web", From: "kill.start", Until: "kill.end"}
	steady := func() *tl { return new(tl).deployment(1, "web", 2).mark(10, "kill.start") }
	runVerdicts(t, "objectState", c, webAvailable, []verdictCase{
		{"held throughout passes", steady().deployment(20, "web", 1).mark(40, "kill.end"), 46, Passed,
			[]string{"holds throughout the window kill.start to kill.end (2 observations)"}},
		{"losing every replica fails at once with its time", steady().deployment(23.5, "web", 0), 24, Failed,
			[]string{"violated 13.5s after kill.start, in the window kill.start to kill.end: Deployment default/web: false"}},
		{"a deletion is a violation", steady().deploymentDeleted(30, "web"), 31, Failed, []string{"violated 20.0s after kill.start", "no Deployment default/web"}},
		{"pending until the window ends", steady().deployment(20, "web", 1), 100, Pending, []string{"holds so far"}},
		{"pending a moment after the window for late observations", steady().mark(40, "kill.end"), 42, Pending, nil},
		{"violations after the window do not count", steady().mark(40, "kill.end").deployment(41, "web", 0), 50, Passed, nil},
		{"violations before the window do not count", new(tl).deployment(1, "web", 0).deployment(5, "web", 1).mark(10, "kill.start").mark(40, "kill.end"), 50, Passed, nil},
		// An apiserver outage in the middle of the window: the state listed
		// at the relist is judged at the relist; what happened in between is
		// not seen, and the verdict says how long the watches were blind.
		{"outage in the window, relisted violated: fails at the relist", steady().outage(20, 31).deployment(31, "web", 0).mark(40, "kill.end"), 50, Failed,
			[]string{"violated 21.0s after kill.start", "the watches were blind for 11.0s during apiserver outages"}},
		{"outage in the window, relisted available: passes, blind time reported", steady().outage(20, 31).mark(40, "kill.end"), 50, Passed,
			[]string{"holds throughout", "the watches were blind for 11.0s"}},
		{"outage over the window's end: pending until the relist", steady().outage(35, 0).mark(40, "kill.end"), 60, Pending, nil},
		{"outage over the window's end: the relisted state counts", steady().outage(35, 61).deployment(61, "web", 0).mark(40, "kill.end"), 70, Failed,
			[]string{"violated 51.0s after kill.start"}},
	})
}

func TestObjectStateSelector(t *testing.T) {
	t.Parallel()
	c := Common{Name: "web", From: "kill.start", Until: "kill.end"}
	params := &ObjectStateParams{ObjectRef: ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Selector: "app=web"},
		Expression: "object.status.availableReplicas >= 1"}
	runVerdicts(t, "objectState", c, params, []verdictCase{
		{"every object must hold", new(tl).deployment(1, "a", 1).deployment(1, "b", 1).mark(10, "kill.start").deployment(20, "b", 0), 21, Failed,
			[]string{"1 of 2 hold; Deployment default/b: false"}},
		{"all holding passes", new(tl).deployment(1, "a", 1).deployment(1, "b", 1).mark(10, "kill.start").mark(40, "kill.end"), 50, Passed,
			[]string{"Deployment objects app=web in default"}},
	})
}

func TestObjectStateRejectsBadParams(t *testing.T) {
	t.Parallel()
	ref := ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "web"}
	for _, tt := range []struct {
		p    ObjectStateParams
		want string
	}{
		{ObjectStateParams{ObjectRef: ref, Expression: "objec.status.x > 1"}, "params.expression: Invalid value: \"objec.status.x > 1\": not a CEL expression: column 1: undeclared reference to 'objec'"},
		{ObjectStateParams{ObjectRef: ref, Expression: "object.status.x >"}, "column 18: Syntax error"},
		{ObjectStateParams{ObjectRef: ref, Expression: "'text'"}, "gives a string; expected a condition"},
		{ObjectStateParams{ObjectRef: ref}, "params.expression: Required value"},
		{ObjectStateParams{ObjectRef: ObjectRef{Kind: "Deployment", Name: "web"}, Expression: "true"}, "params.apiVersion: Required value"},
		{ObjectStateParams{ObjectRef: ObjectRef{APIVersion: "a/b/c", Kind: "Deployment", Name: "web"}, Expression: "true"}, "params.apiVersion: Invalid value"},
		{ObjectStateParams{ObjectRef: ObjectRef{APIVersion: "v1", Kind: "pod", Name: "web"}, Expression: "true"}, "params.kind: Invalid value"},
		{ObjectStateParams{ObjectRef: ObjectRef{APIVersion: "v1", Kind: "Pod"}, Expression: "true"}, "params.name: Required value"},
		{ObjectStateParams{ObjectRef: ObjectRef{APIVersion: "v1", Kind: "Pod", Name: "a", Selector: "b=c"}, Expression: "true"}, "set either name or selector"},
		{ObjectStateParams{ObjectRef: ObjectRef{APIVersion: "v1", Kind: "Pod", Selector: "a b"}, Expression: "true"}, "params.selector: Invalid value"},
	} {
		_, errs := objectStateSpec.New(Common{Name: "x", From: "a", Within: s(1)}, &tt.p)
		if err := errs.ToAggregate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("params %+v: error %v, want %q", tt.p, err, tt.want)
		}
	}
}

// TestObjectMapIsStableAcrossJSON: an object read back from a report's
// timeline.jsonl gives the expression the same types as live.
func TestObjectMapIsStableAcrossJSON(t *testing.T) {
	t.Parallel()
	b := new(tl).deployment(1, "web", 3)
	data, err := json.Marshal(b.events)
	if err != nil {
		t.Fatal(err)
	}
	var back []timeline.Event
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	m, err := back[0].Object.Map()
	if err != nil {
		t.Fatal(err)
	}
	if got := m["status"].(map[string]any)["availableReplicas"]; got != int64(3) {
		t.Fatalf("availableReplicas %#v, want int64(3)", got)
	}
	e, _ := compileExpression(nil, "object.status.availableReplicas % 2 == 1")
	if ok, why := e.eval(m); !ok {
		t.Fatalf("integer arithmetic failed: %s", why)
	}
}
