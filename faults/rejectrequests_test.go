package faults

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/harness-dev/harness/clusters"
)

func TestNewRejectValidates(t *testing.T) {
	t.Parallel()
	sa, res := "kube-system/endpoint-controller", []string{"services/status"}
	tests := []struct {
		name    string
		p       RejectParams
		target  Target
		wantErr string
	}{
		{"deny a ServiceAccount's status writes", RejectParams{Mode: "deny", ServiceAccount: sa, Resources: res, Verbs: []string{"update", "patch"}}, Target{}, ""},
		{"deny with reason and message", RejectParams{Mode: "deny", User: "system:kube-controller-manager", Resources: []string{"leases.coordination.k8s.io"}, Reason: "Invalid", Message: "no leases today"}, Target{}, ""},
		{"throttle reads", RejectParams{Mode: "throttle", User: "alice@example.com", Resources: []string{"pods", "deployments.apps/scale"}, Verbs: []string{"list", "watch"}}, Target{Node: "control-plane2"}, ""},
		{"unavailable", RejectParams{Mode: "unavailable", ServiceAccount: sa, Resources: res}, Target{}, ""},
		{"no mode", RejectParams{ServiceAccount: sa, Resources: res}, Target{}, `params.mode: Unsupported value: ""`},
		{"no client", RejectParams{Mode: "deny", Resources: res}, Target{}, "params.user: Required value: set either user"},
		{"both clients", RejectParams{Mode: "deny", User: "u", ServiceAccount: sa, Resources: res}, Target{}, "set either user"},
		{"quote in user", RejectParams{Mode: "deny", User: "a' || true || '", Resources: res}, Target{}, "params.user: Invalid value"},
		{"bad service account", RejectParams{Mode: "deny", ServiceAccount: "endpoint-controller", Resources: res}, Target{}, "want NAMESPACE/NAME"},
		{"read verb for deny", RejectParams{Mode: "deny", ServiceAccount: sa, Resources: res, Verbs: []string{"get"}}, Target{}, `params.verbs[0]: Unsupported value: "get"`},
		{"no resources", RejectParams{Mode: "deny", ServiceAccount: sa}, Target{}, "params.resources: Required value"},
		{"bad resource", RejectParams{Mode: "deny", ServiceAccount: sa, Resources: []string{"Services/Status"}}, Target{}, "params.resources[0]: Invalid value"},
		{"reason for throttle", RejectParams{Mode: "throttle", ServiceAccount: sa, Resources: res, Reason: "Invalid"}, Target{}, "params.reason: Forbidden"},
		{"unknown reason", RejectParams{Mode: "deny", ServiceAccount: sa, Resources: res, Reason: "Conflict"}, Target{}, `params.reason: Unsupported value: "Conflict"`},
		{"quote in message", RejectParams{Mode: "deny", ServiceAccount: sa, Resources: res, Message: `say "no"`}, Target{}, "params.message: Invalid value"},
		{"component target", RejectParams{Mode: "deny", ServiceAccount: sa, Resources: res}, Target{Component: "etcd"}, "target.component: Forbidden: reject-requests takes node"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.p
			_, err := build(rejectSpec, Common{Name: "refuse", Target: tt.target, Duration: 1}, &p)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestRejectObjects: each mode renders the built-in objects that refuse
// exactly the chosen client, verbs and resources; the revert deletes the
// same objects with the node's kubectl.
func TestRejectObjects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    RejectParams
		want []string
	}{
		{"deny", RejectParams{Mode: "deny", ServiceAccount: "demo/agent", Resources: []string{"services/status", "leases.coordination.k8s.io"}, Verbs: []string{"update", "patch"}},
			[]string{"kind: ValidatingAdmissionPolicy\n", "kind: ValidatingAdmissionPolicyBinding\n", "policyName: harness-refuse-",
				"request.userInfo.username == 'system:serviceaccount:demo:agent'", "- services/status", "- coordination.k8s.io",
				"- UPDATE\n", "reason: Forbidden", "message: refused by harness fault refuse", "validationActions:\n  - Deny", "failurePolicy: Fail"}},
		{"unavailable", RejectParams{Mode: "unavailable", User: "system:kube-scheduler", Resources: []string{"pods/binding"}, Verbs: []string{"create"}},
			[]string{"kind: ValidatingWebhookConfiguration\n", "url: https://127.0.0.1:9/harness-unavailable", "- pods/binding", "- CREATE\n",
				"request.userInfo.username == 'system:kube-scheduler'", "failurePolicy: Fail", "sideEffects: None"}},
		{"throttle", RejectParams{Mode: "throttle", ServiceAccount: "demo/agent", Resources: []string{"endpointslices.discovery.k8s.io"}, Verbs: []string{"list", "watch"}},
			[]string{"kind: PriorityLevelConfiguration\n", "nominalConcurrencyShares: 0", "type: Reject", "kind: FlowSchema\n",
				"matchingPrecedence: 3", "kind: ServiceAccount", "namespace: demo", "name: agent", "- endpointslices", "- watch", "- '*'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.p
			f, err := build(rejectSpec, Common{Name: "refuse", Duration: 1}, &p)
			if err != nil {
				t.Fatal(err)
			}
			n := &fakeNode{name: "c-control-plane", role: clusters.RoleControlPlane}
			env := Env{Cluster: &clusters.Cluster{Name: "c", Nodes: []clusters.Node{n}}, RunID: "run-1"}
			rev, err := f.Plan(context.Background(), env)
			if err != nil {
				t.Fatal(err)
			}
			r := f.(*reject)
			manifest := string(r.inject[0].Stdin)
			for _, w := range tt.want {
				if !strings.Contains(manifest, w) {
					t.Errorf("manifest lacks %q:\n%s", w, manifest)
				}
			}
			if got := strings.Join(r.inject[0].Argv, " "); got != "kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f -" {
				t.Errorf("inject argv = %s", got)
			}
			if len(rev.Steps) != 1 || string(rev.Steps[0].Stdin) != manifest ||
				!strings.Contains(strings.Join(rev.Steps[0].Argv, " "), "delete --ignore-not-found") {
				t.Errorf("revert = %+v, want a kubectl delete --ignore-not-found of the same objects", rev.Steps)
			}
		})
	}
}

func TestNewStaleAndFailpointValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		spec    Spec
		target  Target
		params  any
		wantErr string
	}{
		{"stale default port", staleSpec, Target{}, &StaleParams{}, ""},
		{"stale on one control plane", staleSpec, Target{Node: "control-plane2"}, &StaleParams{Port: 2379}, ""},
		{"stale bad port", staleSpec, Target{}, &StaleParams{Port: -1}, "params.port: Invalid value: -1"},
		{"stale takes no component", staleSpec, Target{Component: "etcd"}, &StaleParams{}, "target.component: Forbidden"},
		{"failpoint slow disk", failpointSpec, Target{}, &FailpointParams{Failpoint: "walBeforeSync", Action: "sleep(500)"}, ""},
		{"failpoint percent and count", failpointSpec, Target{Node: "leader:kube-system/kube-controller-manager"}, &FailpointParams{Failpoint: "raftBeforeSave", Action: "50%3*sleep(200)"}, ""},
		{"failpoint panic once", failpointSpec, Target{}, &FailpointParams{Failpoint: "beforeCommit", Action: "1*panic"}, ""},
		{"failpoint path in name", failpointSpec, Target{}, &FailpointParams{Failpoint: "../x", Action: "panic"}, "params.failpoint: Invalid value"},
		{"failpoint shell in action", failpointSpec, Target{}, &FailpointParams{Failpoint: "walBeforeSync", Action: "sleep(1);reboot"}, "params.action: Invalid value"},
		{"failpoint chain refused", failpointSpec, Target{}, &FailpointParams{Failpoint: "walBeforeSync", Action: "1*sleep(10)->panic"}, "not a gofail term"},
		{"failpoint needs an action", failpointSpec, Target{}, &FailpointParams{Failpoint: "walBeforeSync"}, "params.action: Invalid value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := build(tt.spec, Common{Name: "f", Target: tt.target, Duration: 1}, tt.params)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestStaleAndFailpointSteps: the stale connections' rules match the mark
// the injection gives established connections, and the revert deletes
// exactly them; the failpoint goes to every chosen member and its revert
// turns it off there.
func TestStaleAndFailpointSteps(t *testing.T) {
	t.Parallel()
	cp1 := &fakeNode{name: "h-control-plane", role: clusters.RoleControlPlane}
	cp2 := &fakeNode{name: "h-control-plane2", role: clusters.RoleControlPlane}
	env := Env{Cluster: &clusters.Cluster{Name: "h", Nodes: []clusters.Node{cp1, cp2}}, RunID: "r1"}

	f, _ := build(staleSpec, Common{Name: "stale", Duration: 1, Target: Target{Node: "control-plane2"}}, &StaleParams{})
	rev, err := f.Plan(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	mark := staleMark("harness:r1:stale")
	in := f.(*stale).inject
	if len(in) != 1 || len(rev.Steps) != 1 || in[0].Node != "h-control-plane2" || rev.Steps[0].Node != "h-control-plane2" {
		t.Fatalf("inject %+v revert %+v: want one step each on h-control-plane2", in, rev.Steps)
	}
	want := []string{mark, "6443", "harness:r1:stale"}
	if in[0].Argv[2] != makeStale || !slices.Equal(in[0].Argv[4:], want) || rev.Steps[0].Argv[2] != unmakeStale || !slices.Equal(rev.Steps[0].Argv[4:], want) {
		t.Errorf("inject %q revert %q; want the constant scripts with %q as arguments", in[0].Argv, rev.Steps[0].Argv, want)
	}
	for _, rule := range []string{`-m connmark --mark "0/$1" -m comment --comment "$3" -j DROP`, `--ctstate NEW -m comment --comment "$3" -j CONNMARK --set-xmark "$1/$1"`} {
		if strings.Count(makeStale, rule) != strings.Count(unmakeStale, rule) || !strings.Contains(makeStale, rule) {
			t.Errorf("the revert does not delete every rule %q that the injection inserts", rule)
		}
	}

	f, _ = build(failpointSpec, Common{Name: "slow", Duration: 1, Target: Target{Node: "control-plane"}}, &FailpointParams{Failpoint: "walBeforeSync", Action: "sleep(500)"})
	rev, err = f.Plan(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	in = f.(*failpoint).inject
	if len(in) != 2 || len(rev.Steps) != 2 {
		t.Fatalf("want the failpoint in both members: inject %d revert %d", len(in), len(rev.Steps))
	}
	for i, s := range in {
		args := s.Argv[len(s.Argv)-2:]
		if args[0] != "http://127.0.0.1:22381/walBeforeSync" || args[1] != "sleep(500)" {
			t.Errorf("inject %d passes %q, want the URL and the term as arguments", i, args)
		}
		if r := rev.Steps[i]; r.Node != s.Node || r.Argv[len(r.Argv)-1] != "http://127.0.0.1:22381/walBeforeSync" {
			t.Errorf("revert %d = %+v", i, r)
		}
	}
}
