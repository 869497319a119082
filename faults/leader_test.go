package faults

import (
	"context"
	"strings"
	"testing"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/harness-dev/harness/clusters"
)

func lease(ns, name, holder string) *coordinationv1.Lease {
	return &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: &holder}}
}

func haCluster() *clusters.Cluster {
	return &clusters.Cluster{Name: "h", Nodes: []clusters.Node{
		&fakeNode{name: "h-control-plane", role: clusters.RoleControlPlane},
		&fakeNode{name: "h-control-plane2", role: clusters.RoleControlPlane},
		&fakeNode{name: "h-control-plane3", role: clusters.RoleControlPlane},
		&fakeNode{name: "h-worker", role: clusters.RoleWorker},
	}}
}

// TestLeaderNodeResolvesTheHolder: the node of a Lease's holder, from the
// "<hostname>_<uuid>" identity of kube-controller-manager, a bare node
// name, or a Pod name; the note says what was resolved.
func TestLeaderNodeResolvesTheHolder(t *testing.T) {
	t.Parallel()
	client := fake.NewClientset(
		lease("kube-system", "kube-controller-manager", "h-control-plane2_0b6c7a4e-3f0a-4f7e-9a55-1c1d2f3e4a5b"),
		lease("kube-system", "kube-scheduler", "h-control-plane3"),
		lease("agents", "vip", "vip-agent-7d9f"),
		lease("agents", "empty", ""),
		lease("agents", "stranger", "somewhere_else"),
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "agents", Name: "vip-agent-7d9f"}, Spec: corev1.PodSpec{NodeName: "h-worker"}},
	)
	env := Env{Cluster: haCluster(), Client: client}
	tests := []struct{ ref, wantNode, wantNote, wantErr string }{
		{"leader:kube-system/kube-controller-manager", "h-control-plane2", "is h-control-plane2 (holder h-control-plane2_0b6c", ""},
		{"leader:kube-system/kube-scheduler", "h-control-plane3", "is h-control-plane3 (holder h-control-plane3)", ""},
		{"leader:agents/vip", "h-worker", "Pod agents/vip-agent-7d9f", ""},
		{"leader:agents/empty", "", "", "has no holder now"},
		{"leader:agents/stranger", "", "", `holder "somewhere_else" of Lease agents/stranger names no node of cluster h and no Pod`},
		{"leader:agents/missing", "", "", "read Lease agents/missing"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			t.Parallel()
			var notes []string
			e := env
			e.Note = func(s string) { notes = append(notes, s) }
			nodes, err := Target{Node: tt.ref}.nodes(context.Background(), e)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(nodes) != 1 || nodes[0].Name() != tt.wantNode {
				t.Fatalf("nodes = %v, %v; want %s", nodes, err, tt.wantNode)
			}
			if len(notes) != 1 || !strings.Contains(notes[0], tt.wantNote) || !strings.HasPrefix(notes[0], tt.ref) {
				t.Fatalf("notes = %q, want one with %q", notes, tt.wantNote)
			}
		})
	}
}

// TestNodeRefsSelectControlPlanes: a role names every node of it, an index
// one of them, on a cluster with three control planes.
func TestNodeRefsSelectControlPlanes(t *testing.T) {
	t.Parallel()
	env := Env{Cluster: haCluster()}
	for ref, want := range map[string]string{
		"":                 "h-control-plane h-control-plane2 h-control-plane3",
		"control-plane":    "h-control-plane h-control-plane2 h-control-plane3",
		"control-plane1":   "h-control-plane",
		"control-plane2":   "h-control-plane2",
		"h-control-plane3": "h-control-plane3",
		"worker":           "h-worker",
	} {
		nodes, err := Target{Node: ref}.nodes(context.Background(), env)
		var names []string
		for _, n := range nodes {
			names = append(names, n.Name())
		}
		if err != nil || strings.Join(names, " ") != want {
			t.Errorf("node %q: %v, %v; want %s", ref, names, err, want)
		}
	}
}

func TestValidateNodeRef(t *testing.T) {
	t.Parallel()
	for ref, wantErr := range map[string]string{
		"leader:kube-system/kube-controller-manager": "",
		"leader:agents/vip.lease":                    "",
		"control-plane3":                             "",
		"leader:kube-controller-manager":             "want leader:NAMESPACE/LEASE",
		"leader:Kube/x":                              "want leader:NAMESPACE/LEASE",
		"leader:":                                    "want leader:NAMESPACE/LEASE",
		"primary":                                    "not a node",
	} {
		err := validateNodeRef(field.NewPath("target", "node"), ref).ToAggregate()
		if (err == nil) != (wantErr == "") || (err != nil && !strings.Contains(err.Error(), wantErr)) {
			t.Errorf("%q: err = %v, want %q", ref, err, wantErr)
		}
	}
}
