package clusters

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Components are the control-plane static pods of a kubeadm cluster; each
// runs in kube-system with the label component=NAME.
var Components = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"}

// Workload chooses Pods, the one model faults, triggers and assertions
// share: a control-plane component (its static pod in kube-system,
// labelled component=NAME, as kubeadm writes it) or a namespace and a label
// selector.
type Workload struct {
	Component string `yaml:"component,omitempty" json:"component,omitempty" doc:"control-plane component (static pod): kube-apiserver, kube-controller-manager, kube-scheduler or etcd"`
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty" doc:"namespace of the Pods (with selector)"`
	Selector  string `yaml:"selector,omitempty" json:"selector,omitempty" doc:"label selector of the Pods (with namespace), e.g. app=agent"`
}

// IsZero reports whether no field is set.
func (w Workload) IsZero() bool { return w == Workload{} }

// Validate checks the fields under path (the mapping that holds them).
// With required, one of component or namespace+selector must be set.
func (w Workload) Validate(path *field.Path, required bool) field.ErrorList {
	var errs field.ErrorList
	switch {
	case w.Component != "" && (w.Selector != "" || w.Namespace != ""):
		errs = append(errs, field.Invalid(path.Child("component"), w.Component,
			"set either component or namespace and selector, not both"))
	case w.Component != "":
		if !slices.Contains(Components, w.Component) {
			errs = append(errs, field.NotSupported(path.Child("component"), w.Component, Components))
		}
	case w.Selector != "" || w.Namespace != "":
		errs = append(errs, ValidateNamespace(path.Child("namespace"), w.Namespace)...)
		errs = append(errs, ValidateSelector(path.Child("selector"), w.Selector)...)
	case required:
		errs = append(errs, field.Required(path.Child("component"),
			fmt.Sprintf("want a component (%s), or namespace and selector", strings.Join(Components, ", "))))
	}
	return errs
}

// ValidateNamespace checks a required namespace name (a DNS-1123 label).
func ValidateNamespace(path *field.Path, ns string) field.ErrorList {
	if ns == "" {
		return field.ErrorList{field.Required(path, "a namespace goes with the selector")}
	}
	if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
		return field.ErrorList{field.Invalid(path, ns, "not a namespace name: "+strings.Join(msgs, "; "))}
	}
	return nil
}

// ValidateSelector checks a required label selector.
func ValidateSelector(path *field.Path, sel string) field.ErrorList {
	if sel == "" {
		return field.ErrorList{field.Required(path, "a label selector goes with the namespace, e.g. app=agent")}
	}
	if _, err := labels.Parse(sel); err != nil {
		return field.ErrorList{field.Invalid(path, sel, "not a label selector: "+err.Error())}
	}
	return nil
}

// PodSelector returns the namespace and the label selector of a valid
// Workload.
func (w Workload) PodSelector() (string, labels.Selector) {
	if w.Component != "" {
		return "kube-system", labels.SelectorFromSet(labels.Set{"component": w.Component})
	}
	sel, err := labels.Parse(w.Selector)
	if err != nil {
		sel = labels.Nothing()
	}
	return w.Namespace, sel
}

// String describes the workload for people: "component NAME" or
// "pods SELECTOR in NAMESPACE".
func (w Workload) String() string {
	if w.Component != "" {
		return "component " + w.Component
	}
	return fmt.Sprintf("pods %s in %s", w.Selector, w.Namespace)
}

// LeaseRef parses a Lease reference "namespace/name" (a namespace and a
// Lease name, as kubectl writes them).
func LeaseRef(path *field.Path, ref string) (ns, name string, errs field.ErrorList) {
	ns, name, ok := strings.Cut(ref, "/")
	if !ok || len(validation.IsDNS1123Label(ns)) > 0 || len(validation.IsDNS1123Subdomain(name)) > 0 {
		return "", "", field.ErrorList{field.Invalid(path, ref, "want namespace/name, such as kube-system/kube-controller-manager")}
	}
	return ns, name, nil
}

// nodeRE: a role, a role and kind's index (control-plane2, worker3), or a
// whole kind node name (CLUSTER-control-plane, CLUSTER-worker2).
var nodeRE = regexp.MustCompile(`^([a-z0-9]([-a-z0-9.]*[a-z0-9])?-)?(control-plane|worker)([1-9][0-9]?)?$`)

// ValidateNode checks a node reference of a scenario: a role
// (control-plane, worker), a role with kind's index (control-plane2 is the
// second control-plane node) or a whole kind node name.
func ValidateNode(path *field.Path, node string) field.ErrorList {
	if node == "" || nodeRE.MatchString(node) {
		return nil
	}
	return field.ErrorList{field.Invalid(path, node,
		"not a node: want a role (control-plane, worker), a role with its index (control-plane2, worker3) or a kind node name (CLUSTER-worker2)")}
}
