package faults

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"github.com/harness-dev/harness/clusters"
)

func testCRD() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "widgets.example.com", "resourceVersion": "42", "uid": "u1",
			"labels": map[string]any{"app": "demo"}, "managedFields": []any{map[string]any{"manager": "x"}}},
		"spec": map[string]any{"group": "example.com", "names": map[string]any{"plural": "widgets", "kind": "Widget"},
			"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true}}},
		"status": map[string]any{"acceptedNames": map[string]any{"plural": "widgets"}},
	}}
}

func TestDeleteCRDsPlan(t *testing.T) {
	t.Parallel()
	widget := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "example.com/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w1", "namespace": "default", "uid": "u2", "resourceVersion": "7"}}}
	dc := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		crdGVR: "CustomResourceDefinitionList", {Group: "example.com", Version: "v1", Resource: "widgets"}: "WidgetList"},
		testCRD(), widget)
	n := &fakeNode{name: "cp", role: "control-plane"}
	env := Env{Cluster: &clusters.Cluster{Nodes: []clusters.Node{n}}}
	tests := []struct {
		name      string
		params    DeleteCRDsParams
		wantSteps int
		wantErr   string
	}{
		{"by name with objects", DeleteCRDsParams{Names: []string{"widgets.example.com"}, RestoreObjects: true}, 2, ""},
		{"by selector", DeleteCRDsParams{Selector: "app=demo"}, 1, ""},
		{"unknown name", DeleteCRDsParams{Names: []string{"gadgets.example.com"}}, 0, `no CRD "gadgets.example.com" in the cluster; it has: widgets.example.com`},
		{"selector matches nothing", DeleteCRDsParams{Selector: "app=none"}, 0, `params.selector: no CRD matches "app=none"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := build(deleteCRDsSpec, Common{Name: "d"}, &tt.params)
			if err != nil {
				t.Fatal(err)
			}
			f.(*deleteCRDs).client = func(*clusters.Cluster) (dynamic.Interface, error) { return dc, nil }
			rev, err := f.Plan(context.Background(), env)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if len(rev.Steps) != tt.wantSteps {
				t.Fatalf("%d revert steps, want %d: %+v", len(rev.Steps), tt.wantSteps, rev.Steps)
			}
			if tt.wantSteps == 0 {
				return
			}
			var crd map[string]any
			if err := json.Unmarshal(rev.Steps[0].Stdin, &crd); err != nil {
				t.Fatal(err)
			}
			meta := crd["metadata"].(map[string]any)
			if meta["resourceVersion"] != nil || meta["uid"] != nil || meta["managedFields"] != nil || crd["status"] != nil {
				t.Fatalf("server fields kept in the CRD to re-create: %s", rev.Steps[0].Stdin)
			}
			if s := rev.Steps[0].Argv[2]; !strings.Contains(s, "deletionTimestamp") || !strings.Contains(s, "--for=condition=Established") {
				t.Fatalf("revert does not wait for a deletion in progress and for Established: %s", s)
			}
			if tt.wantSteps == 2 && !strings.Contains(string(rev.Steps[1].Stdin), `"name":"w1"`) {
				t.Fatalf("objects not kept: %s", rev.Steps[1].Stdin)
			}
		})
	}
}

func TestNewDeleteCRDsValidates(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		p       DeleteCRDsParams
		target  Target
		wantErr string
	}{
		{DeleteCRDsParams{Names: []string{"a.b.c"}}, Target{}, ""},
		{DeleteCRDsParams{}, Target{}, "params.names: Required value"},
		{DeleteCRDsParams{Selector: "a b"}, Target{}, `params.selector: Invalid value: "a b": not a label selector`},
		{DeleteCRDsParams{Names: []string{"a.b.c"}}, Target{Component: "etcd"}, "target.component: Forbidden: delete-crds takes node"},
	} {
		_, err := build(deleteCRDsSpec, Common{Name: "d", Target: tt.target}, &tt.p)
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%+v: err = %v, want %q", tt.p, err, tt.wantErr)
		}
	}
}
