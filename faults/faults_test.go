package faults

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/harness-dev/harness/clusters"
)

func TestNewKillValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		target  Target
		signal  string
		wantErr string
	}{
		{"component", Target{Component: "kube-scheduler"}, "", ""},
		{"pods with SIG prefix", Target{Namespace: "x", Selector: "a=b", Process: "child"}, "SIGTERM", ""},
		{"unknown signal", Target{Component: "etcd"}, "BOOM", `params.signal: unknown signal "BOOM"; valid: KILL, TERM`},
		{"unknown component", Target{Component: "kubelet"}, "", `target.component: unknown component "kubelet"; valid: kube-apiserver`},
		{"both forms", Target{Component: "etcd", Namespace: "x", Selector: "a=b"}, "", "not both"},
		{"nothing", Target{Node: "control-plane"}, "", "want component"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := killSpec.New(Common{Name: "k", Target: tt.target}, &KillParams{Signal: tt.signal})
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewPartitionValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		target  Target
		port    int
		wantErr string
	}{
		{Target{Node: "control-plane"}, 0, ""},
		{Target{Namespace: "x", Selector: "app=y"}, 0, ""},
		{Target{Component: "etcd"}, 0, "not component or process"},
		{Target{Selector: "app=y"}, 0, "namespace and selector go together"},
		{Target{Node: "control-plane"}, 70000, "params.port: 70000 is not a TCP port"},
	}
	for _, tt := range tests {
		_, err := partitionSpec.New(Common{Name: "p", Target: tt.target}, &PartitionParams{Port: tt.port})
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("target %+v port %d: err = %v, want %q", tt.target, tt.port, err, tt.wantErr)
		}
	}
}

// fakeNode records the commands run in it.
type fakeNode struct {
	name, role string
	ran        [][]string
}

func (n *fakeNode) Name() string { return n.name }
func (n *fakeNode) Role() string { return n.role }
func (n *fakeNode) Exec(_ context.Context, _ io.Reader, argv ...string) ([]byte, error) {
	n.ran = append(n.ran, argv)
	return nil, nil
}

// TestPartitionPlansItsRevertBeforeInjecting: the revert deletes exactly the
// rule the injection inserts, tagged with the run and fault, and is
// idempotent (it loops until the rule is gone and always succeeds).
func TestPartitionPlansItsRevertBeforeInjecting(t *testing.T) {
	t.Parallel()
	cp := &fakeNode{name: "c-control-plane", role: "control-plane"}
	worker := &fakeNode{name: "c-worker", role: "worker"}
	env := Env{Cluster: &clusters.Cluster{Nodes: []clusters.Node{cp, worker}}, RunID: "run1"}
	f, err := partitionSpec.New(Common{Name: "cut", Target: Target{}}, &PartitionParams{})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := f.Plan(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(rev.Steps) != 1 || rev.Steps[0].Node != "c-control-plane" {
		t.Fatalf("revert %+v, want one step on the control plane", rev)
	}
	if err := f.Inject(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	inserted := strings.Join(cp.ran[0], " ")
	if !strings.Contains(inserted, "-I INPUT -p tcp --dport 6443 -m comment --comment harness:run1:cut -j DROP") {
		t.Fatalf("inserted %q", inserted)
	}
	script := rev.Steps[0].Argv[2]
	for _, want := range []string{"while iptables -w -D 'INPUT' '-p' 'tcp' '--dport' '6443'", "'harness:run1:cut'", "; true"} {
		if !strings.Contains(script, want) {
			t.Errorf("revert script %q lacks %q", script, want)
		}
	}
	if len(worker.ran) != 0 {
		t.Fatalf("the worker was touched: %v", worker.ran)
	}
}

func TestTargetNodes(t *testing.T) {
	t.Parallel()
	c := &clusters.Cluster{Nodes: []clusters.Node{&fakeNode{name: "a", role: "control-plane"}, &fakeNode{name: "b", role: "worker"}}}
	for _, tt := range []struct{ node, want string }{{"", "a"}, {"worker", "b"}, {"b", "b"}, {"control-plane", "a"}} {
		nodes, err := Target{Node: tt.node}.Nodes(c, "control-plane")
		if err != nil || len(nodes) != 1 || nodes[0].Name() != tt.want {
			t.Errorf("node %q: %v %v, want %s", tt.node, nodes, err, tt.want)
		}
	}
	if _, err := (Target{Node: "zzz"}).Nodes(c, ""); err == nil || !strings.Contains(err.Error(), "valid: control-plane, worker, a, b") {
		t.Errorf("unknown node error %v", err)
	}
}

func TestKillScripts(t *testing.T) {
	t.Parallel()
	byName := killByNameScript("TERM", "kube-controller-manager")
	for _, want := range []string{`readlink $p/exe`, `"${e##*/}" = "kube-controller-manager"`, "kill -s TERM $pids", `no process named kube-controller-manager`} {
		if !strings.Contains(byName, want) {
			t.Errorf("kill-by-name script lacks %q:\n%s", want, byName)
		}
	}
	child := killContainerScript("KILL", "abc", "worker")
	for _, want := range []string{`$1 == "abc"`, `readlink $p/ns/pid 2>/dev/null)" = "$ns"`, `"${e##*/}" = "worker"`} {
		if !strings.Contains(child, want) {
			t.Errorf("kill-in-container script lacks %q:\n%s", want, child)
		}
	}
}
