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
		{"unknown signal", Target{Component: "etcd"}, "BOOM", `params.signal: Unsupported value: "BOOM": supported values: "KILL", "TERM"`},
		{"unknown component", Target{Component: "kubelet"}, "", `target.component: Unsupported value: "kubelet": supported values: "kube-apiserver"`},
		{"both forms", Target{Component: "etcd", Namespace: "x", Selector: "a=b"}, "", "set either component or namespace and selector, not both"},
		{"nothing", Target{Node: "control-plane"}, "", "target.component: Required value: want a component"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := build(killSpec, Common{Name: "k", Target: tt.target}, &KillParams{Signal: tt.signal})
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
		{Target{Component: "etcd"}, 0, "target.component: Forbidden: partition takes node or namespace and selector"},
		{Target{Selector: "app=y"}, 0, "target.namespace: Required value"},
		{Target{Node: "control-plane"}, 70000, "params.port: Invalid value: 70000: not a TCP port"},
	}
	for _, tt := range tests {
		_, err := build(partitionSpec, Common{Name: "p", Target: tt.target}, &PartitionParams{Port: tt.port})
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("target %+v port %d: err = %v, want %q", tt.target, tt.port, err, tt.wantErr)
		}
	}
}

// build builds a fault as the decoder does (the target checked against the
// type's Targets), with its errors joined.
func build(spec Spec, c Common, params any) (Fault, error) {
	f, errs := spec.Build(c, params)
	return f, errs.ToAggregate()
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
	env := Env{Cluster: &clusters.Cluster{Name: "c", Nodes: []clusters.Node{cp, worker}}, RunID: "run1"}
	f, err := build(partitionSpec, Common{Name: "cut", Target: Target{}}, &PartitionParams{})
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
	rule := "INPUT -p tcp --dport 6443 -m comment --comment harness:run1:cut -j DROP"
	if inserted := strings.Join(cp.ran[0], " "); inserted != "iptables -w -I "+rule {
		t.Fatalf("inserted %q", inserted)
	}
	undo := rev.Steps[0].Argv
	if undo[2] != deleteRules || strings.Join(undo[3:], " ") != "harness  "+rule {
		t.Fatalf("revert %q; want the delete loop with the same rule as arguments", undo)
	}
	if len(worker.ran) != 0 {
		t.Fatalf("the worker was touched: %v", worker.ran)
	}
}

// TestSignalStepsPassNamesAsArguments: the process name, signal and
// container ID are arguments of a constant script, never part of its text.
func TestSignalStepsPassNamesAsArguments(t *testing.T) {
	t.Parallel()
	cp := &fakeNode{name: "c-control-plane", role: clusters.RoleControlPlane}
	env := Env{Cluster: &clusters.Cluster{Name: "c", Nodes: []clusters.Node{cp}}}
	steps, err := signalSteps(context.Background(), env, Target{Component: "kube-controller-manager"}, "TERM", false)
	if err != nil || len(steps) != 1 {
		t.Fatalf("steps %+v, %v", steps, err)
	}
	argv := steps[0].Argv
	if argv[0] != "sh" || argv[1] != "-c" || argv[2] != signalByName || strings.Join(argv[3:], " ") != "harness TERM kube-controller-manager" {
		t.Fatalf("argv %q; want the constant script with TERM and the name as arguments", argv)
	}
	for _, want := range []string{`readlink "$p/exe"`, `"${e##*/}" = "$1"`, `kill -s "$1" $pids`, `no process named $2`} {
		if !strings.Contains(signalByName, want) {
			t.Errorf("signal-by-name script lacks %q:\n%s", want, signalByName)
		}
	}
	for _, want := range []string{`container_pid "$2"`, `find_by_name "$3" "$(readlink "/proc/$pid/ns/pid")"`} {
		if !strings.Contains(signalContainer, want) {
			t.Errorf("signal-in-container script lacks %q:\n%s", want, signalContainer)
		}
	}
}
