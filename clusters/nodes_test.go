package clusters

import (
	"context"
	"io"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

type fakeNode struct{ name, role string }

func (n fakeNode) Name() string { return n.name }
func (n fakeNode) Role() string { return n.role }
func (n fakeNode) Exec(context.Context, io.Reader, ...string) ([]byte, error) {
	return nil, nil
}

func TestSelect(t *testing.T) {
	t.Parallel()
	c := &Cluster{Name: "h", Nodes: []Node{fakeNode{"h-control-plane", RoleControlPlane}, fakeNode{"h-control-plane2", RoleControlPlane},
		fakeNode{"h-worker", RoleWorker}, fakeNode{"h-worker2", RoleWorker}}}
	tests := []struct {
		ref, def string
		want     string
	}{
		{"", RoleControlPlane, "h-control-plane h-control-plane2"},
		{"worker", "", "h-worker h-worker2"},
		{"control-plane2", "", "h-control-plane2"},
		{"control-plane1", "", "h-control-plane"},
		{"worker2", "", "h-worker2"},
		{"h-worker", "", "h-worker"},
	}
	for _, tt := range tests {
		nodes, err := c.Select(tt.ref, tt.def)
		if err != nil {
			t.Fatalf("Select(%q): %v", tt.ref, err)
		}
		var names []string
		for _, n := range nodes {
			names = append(names, n.Name())
		}
		if got := strings.Join(names, " "); got != tt.want {
			t.Errorf("Select(%q) = %s, want %s", tt.ref, got, tt.want)
		}
	}
	if _, err := c.Select("worker3", ""); err == nil || !strings.Contains(err.Error(), "valid: control-plane, worker, h-control-plane") {
		t.Fatalf("Select(worker3) error %v; want the valid choices", err)
	}
}

func TestValidateNode(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"", "control-plane", "worker", "control-plane2", "worker12", "harness-x-1-worker2", "h-control-plane"} {
		if errs := ValidateNode(field.NewPath("node"), ok); len(errs) > 0 {
			t.Errorf("ValidateNode(%q) = %v; want valid", ok, errs)
		}
	}
	for _, bad := range []string{"control-plain", "worker0", "-worker", "w;reboot", "Worker", "control-plane 2"} {
		if errs := ValidateNode(field.NewPath("node"), bad); len(errs) == 0 {
			t.Errorf("ValidateNode(%q) valid; want an error", bad)
		}
	}
}

func TestWorkloadValidate(t *testing.T) {
	t.Parallel()
	p := field.NewPath("target")
	tests := []struct {
		w        Workload
		required bool
		want     string
	}{
		{Workload{Component: "etcd"}, true, ""},
		{Workload{Namespace: "a", Selector: "app=x"}, true, ""},
		{Workload{}, false, ""},
		{Workload{}, true, "target.component: Required value"},
		{Workload{Component: "kube-controler-manager"}, true, `target.component: Unsupported value: "kube-controler-manager": supported values: "kube-apiserver"`},
		{Workload{Component: "etcd", Selector: "a=b"}, true, "set either component or namespace and selector"},
		{Workload{Selector: "app=x"}, true, "target.namespace: Required value"},
		{Workload{Namespace: "Bad_NS", Selector: "app=x"}, true, "target.namespace: Invalid value"},
		{Workload{Namespace: "a", Selector: "app in (x"}, true, "target.selector: Invalid value"},
	}
	for _, tt := range tests {
		got := tt.w.Validate(p, tt.required).ToAggregate()
		switch {
		case tt.want == "" && got != nil:
			t.Errorf("%+v: %v; want valid", tt.w, got)
		case tt.want != "" && (got == nil || !strings.Contains(got.Error(), tt.want)):
			t.Errorf("%+v: %v; want %q", tt.w, got, tt.want)
		}
	}
}
