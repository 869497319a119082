package faults

import (
	"context"
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// recreateCRD: $1 the CRD's name. Waits until a deletion in progress has
// finished, applies the CRD from stdin with the node's kubectl and waits
// until it is Established.
const recreateCRD = `k() { kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }
for i in $(seq 1 120); do
  [ -z "$(k get crd "$1" -o 'jsonpath={.metadata.deletionTimestamp}' 2>/dev/null)" ] && break
  sleep 1
done
k apply -f - && k wait --for=condition=Established --timeout=120s "crd/$1"`

// restoreSteps re-create one CRD (once a deletion in progress has
// finished) and wait until it is Established, then re-create its objects.
func (f *deleteCRDs) restoreSteps(ctx context.Context, dc dynamic.Interface, node string, crd unstructured.Unstructured) ([]Step, error) {
	name := crd.GetName()
	data, err := json.Marshal(stripServerFields(crd, true).Object)
	if err != nil {
		return nil, err
	}
	steps := []Step{{Node: node, Argv: script(recreateCRD, name), Stdin: data}}
	if !f.p.RestoreObjects {
		return steps, nil
	}
	objects, err := customObjects(ctx, dc, crd)
	if err != nil {
		return nil, err
	}
	if len(objects) == 0 {
		return steps, nil
	}
	list := map[string]any{"apiVersion": "v1", "kind": "List", "items": objects}
	if data, err = json.Marshal(list); err != nil {
		return nil, err
	}
	return append(steps, Step{Node: node, Argv: []string{"kubectl", "--kubeconfig", "/etc/kubernetes/admin.conf", "apply", "-f", "-"}, Stdin: data}), nil
}

// customObjects lists every object of a CRD's storage version, stripped.
func customObjects(ctx context.Context, dc dynamic.Interface, crd unstructured.Unstructured) ([]any, error) {
	group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
	plural, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "plural")
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	version := ""
	for _, v := range versions {
		m, _ := v.(map[string]any)
		if storage, _ := m["storage"].(bool); storage {
			version, _ = m["name"].(string)
		}
	}
	if version == "" {
		return nil, fmt.Errorf("CRD %s has no storage version", crd.GetName())
	}
	gvr := schema.GroupVersionResource{Group: group, Version: version, Resource: plural}
	list, err := dc.Resource(gvr).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list %s to keep them: %w", gvr.String(), err)
	}
	out := make([]any, len(list.Items))
	for i, o := range list.Items {
		out[i] = stripServerFields(o, false).Object
	}
	return out, nil
}

// stripServerFields drops what the apiserver sets, so the object can be
// created again; status only for CRDs (objects keep theirs for reading).
func stripServerFields(u unstructured.Unstructured, status bool) unstructured.Unstructured {
	c := *u.DeepCopy()
	for _, f := range []string{"resourceVersion", "uid", "creationTimestamp", "generation", "managedFields",
		"deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"} {
		unstructured.RemoveNestedField(c.Object, "metadata", f)
	}
	if status {
		unstructured.RemoveNestedField(c.Object, "status")
	}
	return c
}
