package assertions

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// Watch is a kind of object the recorder must watch for an assertion, in
// one namespace or (empty) all. The kind may be a custom resource that the
// scenario's setup creates: the recorder maps it to its resource when it
// starts, with the cluster's discovery (a REST mapper).
type Watch struct {
	GVK       schema.GroupVersionKind
	Namespace string
}

// Watcher is implemented by assertions that judge objects of kinds besides
// Pods, Leases, Nodes and Events (the kinds always recorded): the runner
// and Recording.Probe ask the recorder to watch them, with the same care
// for outages and relists.
type Watcher interface {
	Watches() []Watch
}

// ObjectRef chooses objects of one kind: by name, or by label selector
// (every matching object), in a namespace or cluster-wide.
type ObjectRef struct {
	APIVersion string `yaml:"apiVersion" doc:"API version of the kind, e.g. apps/v1, v1, harness.dev/v1"`
	Kind       string `yaml:"kind" doc:"kind, e.g. Deployment, EndpointSlice, or a custom resource's kind"`
	Namespace  string `yaml:"namespace" doc:"namespace of the objects (empty: cluster-scoped, or every namespace with selector)"`
	Name       string `yaml:"name" doc:"name of the object (or selector)"`
	Selector   string `yaml:"selector" doc:"label selector of the objects (or name), e.g. app=web"`
}

// objectMatcher is a validated ObjectRef.
type objectMatcher struct {
	ref   ObjectRef
	gvk   schema.GroupVersionKind
	sel   labels.Selector
	match timeline.ObjectMatch
}

// newObjectMatcher validates ref (the fields under path).
func newObjectMatcher(path *field.Path, ref ObjectRef) (objectMatcher, field.ErrorList) {
	var errs field.ErrorList
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	switch {
	case ref.APIVersion == "":
		errs = append(errs, field.Required(path.Child("apiVersion"), "the kind's API version, e.g. apps/v1 or v1"))
	case err != nil || gv.Version == "":
		errs = append(errs, field.Invalid(path.Child("apiVersion"), ref.APIVersion, "not an API version: want GROUP/VERSION or VERSION, e.g. apps/v1, v1"))
	}
	if msgs := validation.IsDNS1035Label(strings.ToLower(ref.Kind)); ref.Kind == "" || len(msgs) > 0 || strings.ToUpper(ref.Kind[:1]) != ref.Kind[:1] {
		errs = append(errs, field.Invalid(path.Child("kind"), ref.Kind, "not a kind: want a name such as Deployment (capitalised)"))
	}
	if ref.Namespace != "" {
		errs = append(errs, clusters.ValidateNamespace(path.Child("namespace"), ref.Namespace)...)
	}
	switch {
	case ref.Name != "" && ref.Selector != "":
		errs = append(errs, field.Invalid(path.Child("selector"), ref.Selector, "set either name or selector, not both"))
	case ref.Name != "":
		if msgs := validation.IsDNS1123Subdomain(ref.Name); len(msgs) > 0 {
			errs = append(errs, field.Invalid(path.Child("name"), ref.Name, "not an object name: "+strings.Join(msgs, "; ")))
		}
	case ref.Selector == "":
		errs = append(errs, field.Required(path.Child("name"), "a name, or a label selector in selector"))
	}
	sel := labels.Everything()
	if ref.Selector != "" {
		if sel, err = labels.Parse(ref.Selector); err != nil {
			errs = append(errs, field.Invalid(path.Child("selector"), ref.Selector, "not a label selector: "+err.Error()))
		}
	}
	if len(errs) > 0 {
		return objectMatcher{}, errs
	}
	m := objectMatcher{ref: ref, gvk: gv.WithKind(ref.Kind), sel: sel}
	m.match = func(o *timeline.Object) bool {
		return o.APIVersion == ref.APIVersion && o.Kind == ref.Kind && (ref.Namespace == "" || o.Namespace == ref.Namespace) &&
			(ref.Name == "" || o.Name == ref.Name) && sel.Matches(labels.Set(o.Labels))
	}
	return m, nil
}

// watch is what the recorder must watch for m.
func (m objectMatcher) watch() Watch { return Watch{GVK: m.gvk, Namespace: m.ref.Namespace} }

// String describes the objects: "Deployment default/web" or "Deployments
// app=web in default".
func (m objectMatcher) String() string {
	r := m.ref
	switch {
	case r.Name != "" && r.Namespace != "":
		return fmt.Sprintf("%s %s/%s", r.Kind, r.Namespace, r.Name)
	case r.Name != "":
		return r.Kind + " " + r.Name
	case r.Namespace != "":
		return fmt.Sprintf("%s objects %s in %s", r.Kind, r.Selector, r.Namespace)
	}
	return fmt.Sprintf("%s objects %s", r.Kind, r.Selector)
}

// condition judges a state of the matching objects with e: good when at
// least one exists and e holds for every one.
func (m objectMatcher) condition(e *expression, objs map[string]*timeline.Object) (health, string) {
	if len(objs) == 0 {
		return bad, "no " + m.String()
	}
	holding, why := 0, ""
	for _, k := range sortedKeys(objs) {
		o := objs[k]
		obj, err := o.Map()
		ok, detail := false, ""
		if err != nil {
			detail = err.Error()
		} else {
			ok, detail = e.eval(obj)
		}
		if ok {
			holding++
		} else if why == "" {
			why = fmt.Sprintf("%s: %s", o.Ref(), detail)
		}
	}
	if holding == len(objs) {
		if len(objs) == 1 {
			return good, fmt.Sprintf("%s: %s", objs[sortedKeys(objs)[0]].Ref(), e.src)
		}
		return good, fmt.Sprintf("all %d objects: %s", len(objs), e.src)
	}
	if len(objs) == 1 {
		return bad, why
	}
	return bad, fmt.Sprintf("%d of %d hold; %s", holding, len(objs), why)
}

// statePoints is the series of the condition over the watched objects.
func (m objectMatcher) statePoints(e *expression) series {
	return func(v *timeline.View, a, b time.Duration) []point {
		var out []point
		v.WalkObjects(m.match, a, b, func(at time.Duration, objs map[string]*timeline.Object) bool {
			st, detail := m.condition(e, objs)
			out = append(out, point{at: at, state: st, detail: detail})
			return true
		})
		return out
	}
}
