package assertions

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/timeline"
)

// ReconcilesParams are the parameters of reconciles.
type ReconcilesParams struct {
	Manifest   map[string]any `yaml:"manifest" doc:"the object applied at the moment (server-side apply: created, or patched), inline with apiVersion, kind and metadata.name; deleted when the run ends"`
	Object     *ObjectRef     `yaml:"object" doc:"the object(s) the condition is about (apiVersion, kind, namespace, name or selector; default: the applied object)"`
	Expression string         `yaml:"expression" doc:"CEL condition over the object, e.g. object.status.availableReplicas >= 1 (variable: object)"`
}

// ApplyProbe is an object the harness applies at an assertion's From
// (server-side apply, field manager "harness", retried while the
// apiserver is coming back) and deletes when the probes stop. An object of
// that name left from an earlier run is deleted before the observation
// starts.
type ApplyProbe struct {
	// Object is the manifest as JSON.
	Object          []byte
	GVK             schema.GroupVersionKind
	Namespace, Name string // Namespace is empty when the manifest has none
}

var reconcilesSpec = Spec{
	Type: "reconciles",
	Doc: "at the moment the harness applies a manifest (create or patch), and a CEL condition on that or another object " +
		"must hold within the SLO (or, with `during`: hold from its first success to the end of the window); the object is deleted afterwards",
	Invariant: true,
	NewParams: func() any { return &ReconcilesParams{} },
	New:       newReconciles,
}

func newReconciles(c Common, params any) (Assertion, field.ErrorList) {
	p := params.(*ReconcilesParams)
	path := field.NewPath("params")
	probe, errs := applyProbe(path.Child("manifest"), p.Manifest)
	ref := ObjectRef{APIVersion: probe.GVK.GroupVersion().String(), Kind: probe.GVK.Kind, Namespace: probe.Namespace, Name: probe.Name}
	refPath := path.Child("manifest")
	if p.Object != nil {
		ref, refPath = *p.Object, path.Child("object")
	}
	e, eerrs := compileExpression(path.Child("expression"), p.Expression)
	errs = append(errs, eerrs...)
	if len(errs) > 0 {
		return nil, errs
	}
	m, errs := newObjectMatcher(refPath, ref)
	if len(errs) > 0 {
		return nil, errs
	}
	a := &reconciles{c: c, m: m, e: e, probe: probe}
	a.what = fmt.Sprintf("%s (%s) after applying %s %s", m, e.src, probe.GVK.Kind, probe.Name)
	return a, nil
}

// applyProbe validates an inline manifest.
func applyProbe(path *field.Path, manifest map[string]any) (ApplyProbe, field.ErrorList) {
	if len(manifest) == 0 {
		return ApplyProbe{}, field.ErrorList{field.Required(path, "an inline object with apiVersion, kind and metadata.name")}
	}
	data, err := json.Marshal(manifest)
	if err != nil {
		return ApplyProbe{}, field.ErrorList{field.Invalid(path, "", "not an object: "+err.Error())}
	}
	var u unstructured.Unstructured
	if err := u.UnmarshalJSON(data); err != nil {
		return ApplyProbe{}, field.ErrorList{field.Invalid(path, "", "not a Kubernetes object: "+err.Error())}
	}
	m, errs := newObjectMatcher(path, ObjectRef{APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()})
	for i := range errs {
		errs[i].Field = strings.Replace(errs[i].Field, "manifest.name", "manifest.metadata.name", 1)
		errs[i].Field = strings.Replace(errs[i].Field, "manifest.namespace", "manifest.metadata.namespace", 1)
	}
	if len(errs) > 0 {
		return ApplyProbe{}, errs
	}
	return ApplyProbe{Object: data, GVK: m.gvk, Namespace: u.GetNamespace(), Name: u.GetName()}, nil
}

type reconciles struct {
	c     Common
	m     objectMatcher
	e     *expression
	probe ApplyProbe
	what  string
}

// Probe asks the harness to apply the manifest at From.
func (a *reconciles) Probe() Probe { p := a.probe; return Probe{Apply: &p} }

// Watches asks the recorder for the kinds of the applied object and of the
// condition's object.
func (a *reconciles) Watches() []Watch {
	applied := Watch{GVK: a.probe.GVK, Namespace: a.probe.Namespace}
	if w := a.m.watch(); w != applied {
		return []Watch{applied, w}
	}
	return []Watch{applied}
}

// Evaluate judges the condition from the moment the manifest was applied:
// SLO: it holds within Within of From (measured from From, so the apply's
// own delay counts); invariant: it holds before Until and, from then on,
// at every observation until Until.
func (a *reconciles) Evaluate(v *timeline.View) Verdict {
	from, ok := v.Moment(a.c.From)
	if !ok {
		return pending(a.c, "waiting for moment %s", a.c.From)
	}
	applied, ok := v.Moment(timeline.ProbeStarted(a.c.Name))
	if !ok {
		end, known := from+a.c.Within, !a.c.Invariant()
		if a.c.Invariant() {
			end, known = v.Moment(a.c.Until)
		}
		if !known || v.Now() < end {
			return pending(a.c, "%s %s not applied yet", a.probe.GVK.Kind, a.probe.Name)
		}
		return failed(a.c, "%s not reconciled in %s: the harness could not apply %s %s (the apiserver did not accept it)",
			a.m, a.c.window(), a.probe.GVK.Kind, a.probe.Name)
	}
	// Only observations made after the harness began to apply count (the
	// watch may see the object before the apiserver's answer arrives): a
	// state from before (another object's, say) proves nothing about the
	// controller.
	began, ok := v.Moment(timeline.ProbeApplying(a.c.Name))
	if !ok {
		began = applied
	}
	points := func(v *timeline.View, s, e time.Duration) []point {
		pts := a.m.statePoints(a.e)(v, max(s, began), e)
		return slices.DeleteFunc(pts, func(p point) bool { return p.at <= began })
	}
	j := stateJudge{c: a.c, what: a.what, holds: "reconciled", watched: true, grace: observeGrace, points: points}
	if !a.c.Invariant() {
		return j.slo(v)
	}
	return a.invariant(v, j, from)
}

func (a *reconciles) invariant(v *timeline.View, j stateJudge, from time.Duration) Verdict {
	start, ok := v.SeenAt(from)
	if !ok {
		return pending(a.c, "waiting for the recorder to see %s again after the apiserver outage", a.m)
	}
	end, ended := v.Now(), false
	if to, ok := v.Moment(a.c.Until); ok {
		if at, seen := v.SeenAt(to); seen {
			end, ended = min(at, v.Now()), at+observeGrace <= v.Now()
		}
	}
	pts := j.points(v, start, end)
	reconciled := time.Duration(-1)
	for _, p := range pts {
		switch {
		case reconciled < 0 && p.state == good:
			reconciled = p.at
		case reconciled >= 0 && p.state == bad:
			return failed(a.c, "%s held %s after %s, then was violated %s after %s: %s%s", a.what, secs(reconciled-from), a.c.From,
				secs(p.at-from), a.c.From, p.detail, j.blind(v, from, end))
		}
	}
	switch {
	case !ended && reconciled < 0:
		return pending(a.c, "%s not yet (%s)", a.what, lastDetail(pts))
	case !ended:
		return pending(a.c, "%s %s after %s, holding so far", a.what, secs(reconciled-from), a.c.From)
	case reconciled < 0:
		return failed(a.c, "%s never held in %s (%s)%s", a.what, a.c.window(), lastDetail(pts), j.blind(v, from, end))
	}
	return passed(a.c, reconciled-from, "%s reconciled %s after %s and held until %s%s", a.what, secs(reconciled-from), a.c.From, a.c.Until, j.blind(v, from, end))
}
