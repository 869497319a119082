package faults

import (
	"context"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/dynamic"

	"github.com/harness-dev/harness/clusters"
)

// DeleteCRDsParams are the parameters of the delete-crds fault.
type DeleteCRDsParams struct {
	Names          []string `yaml:"names" doc:"CustomResourceDefinitions to delete, e.g. widgets.example.com"`
	Selector       string   `yaml:"selector" doc:"label selector of CustomResourceDefinitions to delete (with or instead of names)"`
	RestoreObjects bool     `yaml:"restoreObjects" doc:"keep the custom objects (deleting a CRD deletes them all) and re-create them with the CRD"`
}

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

var deleteCRDsSpec = Spec{
	Type: "delete-crds",
	Doc: "delete CustomResourceDefinitions (by name or label) for the duration, e.g. between a controller's API discovery " +
		"and its leader election; the revert re-creates them as they were (and their objects, if kept)",
	NeedsDuration: true,
	Targets:       TargetNode,
	NewParams:     func() any { return &DeleteCRDsParams{} },
	New:           newDeleteCRDs,
}

type deleteCRDs struct {
	c Common
	p DeleteCRDsParams
	// client builds the dynamic client of a cluster; tests replace it.
	client func(c *clusters.Cluster) (dynamic.Interface, error)
	names  []string // resolved by Plan
}

func newDeleteCRDs(c Common, params any) (Fault, field.ErrorList) {
	p := *params.(*DeleteCRDsParams)
	path := field.NewPath("params")
	if len(p.Names) == 0 && p.Selector == "" {
		return nil, field.ErrorList{field.Required(path.Child("names"), "CRD names (such as widgets.example.com) or a selector")}
	}
	var errs field.ErrorList
	for i, name := range p.Names {
		if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 || !strings.Contains(name, ".") {
			errs = append(errs, field.Invalid(path.Child("names").Index(i), name, "not a CustomResourceDefinition name: want PLURAL.GROUP, such as widgets.example.com"))
		}
	}
	if _, err := labels.Parse(p.Selector); err != nil {
		errs = append(errs, field.Invalid(path.Child("selector"), p.Selector, "not a label selector: "+err.Error()))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &deleteCRDs{c: c, p: p, client: func(c *clusters.Cluster) (dynamic.Interface, error) { return c.Dynamic() }}, nil
}

// Plan keeps the CRDs (and objects) as they are and returns a revert that
// re-creates them with the node's kubectl.
func (f *deleteCRDs) Plan(ctx context.Context, env Env) (Revert, error) {
	nodes, err := f.c.Target.nodes(ctx, env)
	if err != nil {
		return Revert{}, err
	}
	dc, err := f.client(env.Cluster)
	if err != nil {
		return Revert{}, err
	}
	crds, err := f.resolve(ctx, dc)
	if err != nil {
		return Revert{}, err
	}
	rev := Revert{Fault: f.c.Name, Type: deleteCRDsSpec.Type}
	f.names = nil
	for _, crd := range crds {
		f.names = append(f.names, crd.GetName())
		steps, err := f.restoreSteps(ctx, dc, nodes[0].Name(), crd)
		if err != nil {
			return Revert{}, err
		}
		rev.Steps = append(rev.Steps, steps...)
	}
	return rev, nil
}

// resolve finds the CRDs by name and selector.
func (f *deleteCRDs) resolve(ctx context.Context, dc dynamic.Interface) ([]unstructured.Unstructured, error) {
	api := dc.Resource(crdGVR)
	var out []unstructured.Unstructured
	seen := map[string]bool{}
	for _, name := range f.p.Names {
		crd, err := api.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("params.names: no CRD %q in the cluster; it has: %s", name, f.existing(ctx, api))
		}
		if err != nil {
			return nil, fmt.Errorf("get CRD %s: %w", name, err)
		}
		out, seen[name] = append(out, *crd), true
	}
	if f.p.Selector != "" {
		list, err := api.List(ctx, metav1.ListOptions{LabelSelector: f.p.Selector})
		if err != nil {
			return nil, fmt.Errorf("list CRDs %s: %w", f.p.Selector, err)
		}
		if len(list.Items) == 0 {
			return nil, fmt.Errorf("params.selector: no CRD matches %q; the cluster has: %s", f.p.Selector, f.existing(ctx, api))
		}
		for _, crd := range list.Items {
			if !seen[crd.GetName()] {
				out, seen[crd.GetName()] = append(out, crd), true
			}
		}
	}
	return out, nil
}

func (f *deleteCRDs) existing(ctx context.Context, api dynamic.NamespaceableResourceInterface) string {
	list, err := api.List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) == 0 {
		return "(none)"
	}
	var names []string
	for _, c := range list.Items {
		names = append(names, c.GetName())
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Inject deletes the CRDs; their objects go with them.
func (f *deleteCRDs) Inject(ctx context.Context, env Env) error {
	dc, err := f.client(env.Cluster)
	if err != nil {
		return err
	}
	for _, name := range f.names {
		err := dc.Resource(crdGVR).Delete(ctx, name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete CRD %s: %w", name, err)
		}
	}
	return nil
}

// Evidence: the CRDs are gone (or being deleted) from the apiserver at the
// end of the window.
func (f *deleteCRDs) Evidence(ctx context.Context, env Env) Evidence {
	dc, err := f.client(env.Cluster)
	if err != nil {
		return missing("could not read the CRDs: %v", err)
	}
	var present []string
	for _, name := range f.names {
		crd, err := dc.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return missing("could not read CRD %s: %v", name, err)
		case crd.GetDeletionTimestamp() == nil:
			present = append(present, name)
		}
	}
	if len(present) > 0 {
		return missing("CRDs still served at the end of the window: %s", strings.Join(present, ", "))
	}
	return took("CRDs %s absent at the end of the window", strings.Join(f.names, ", "))
}
