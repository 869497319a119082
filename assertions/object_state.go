package assertions

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/timeline"
)

// ObjectStateParams are the parameters of objectState.
type ObjectStateParams struct {
	ObjectRef  `yaml:",inline"`
	Expression string `yaml:"expression" doc:"CEL condition over the object, e.g. object.status.availableReplicas >= 1 (variable: object)"`
}

var objectStateSpec = Spec{
	Type: "objectState",
	Doc: "objects of any kind (by apiVersion/kind, namespace, name or selector), watched, satisfy a CEL condition: " +
		"within the SLO, or throughout the `during` window",
	Invariant: true,
	NewParams: func() any { return &ObjectStateParams{} },
	New: func(c Common, params any) (Assertion, field.ErrorList) {
		p := params.(*ObjectStateParams)
		path := field.NewPath("params")
		m, errs := newObjectMatcher(path, p.ObjectRef)
		e, eerrs := compileExpression(path.Child("expression"), p.Expression)
		if errs = append(errs, eerrs...); len(errs) > 0 {
			return nil, errs
		}
		a := &objectState{m: m}
		a.j = stateJudge{c: c, what: m.String() + " (" + e.src + ")", holds: "holds", watched: true, grace: observeGrace,
			points: m.statePoints(e)}
		return a, nil
	},
}

type objectState struct {
	m objectMatcher
	j stateJudge
}

// Watches asks the recorder for the objects' kind.
func (a *objectState) Watches() []Watch { return []Watch{a.m.watch()} }

// Evaluate judges the condition over the objects as the recorder saw them
// (see stateJudge for the forms and outages).
func (a *objectState) Evaluate(v *timeline.View) Verdict { return a.j.judge(v) }
