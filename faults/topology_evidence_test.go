package faults

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/clusters"
)

// TestCountSamples: only the fault's own object is counted, and a policy
// check that did not deny is not a refusal.
func TestCountSamples(t *testing.T) {
	t.Parallel()
	text := `# TYPE apiserver_validating_admission_policy_check_total counter
apiserver_validating_admission_policy_check_total{enforcement_action="deny",error_type="no_error",policy="harness-x-1",policy_binding="harness-x-1"} 3
apiserver_validating_admission_policy_check_total{enforcement_action="allow",error_type="no_error",policy="harness-x-1",policy_binding="harness-x-1"} 5
apiserver_validating_admission_policy_check_total{enforcement_action="deny",error_type="no_error",policy="other",policy_binding="other"} 7
# TYPE apiserver_flowcontrol_rejected_requests_total counter
apiserver_flowcontrol_rejected_requests_total{flow_schema="harness-x-1",priority_level="harness-x-1",reason="concurrency-limit"} 2
`
	tests := []struct {
		metric, label, value string
		onlyDeny             bool
		want                 float64
	}{
		{"apiserver_validating_admission_policy_check_total", "policy", "harness-x-1", true, 3},
		{"apiserver_validating_admission_policy_check_total", "policy", "harness-y-2", true, 0},
		{"apiserver_flowcontrol_rejected_requests_total", "flow_schema", "harness-x-1", false, 2},
		{"apiserver_admission_webhook_rejection_count", "name", "x-1.unavailable.harness.dev", false, 0},
	}
	for _, tt := range tests {
		got, err := countSamples([]byte(text), tt.metric, tt.label, tt.value, tt.onlyDeny)
		if err != nil || got != tt.want {
			t.Errorf("%s{%s=%q}: %v, %v; want %v", tt.metric, tt.label, tt.value, got, err, tt.want)
		}
	}
	if _, err := countSamples([]byte("not metrics {"), "m", "l", "v", false); err == nil {
		t.Error("unparsable metrics: no error")
	}
}

// TestFailpointEvidence: the failpoint proves itself only when every chosen
// member counted executions of its term.
func TestFailpointEvidence(t *testing.T) {
	t.Parallel()
	count := "sh -c " + failpointCount + " harness " + failpointAddr + "walBeforeSync"
	tests := []struct {
		name       string
		cp1, cp2   string
		took       bool
		observedIn string
	}{
		{"both members ran it", "12", "3", true, "control-plane: executed 12 times; h-control-plane2: executed 3 times"},
		{"one member never reached it", "12", "0", false, "h-control-plane2: executed 0 times"},
		{"no failpoints served", "", "", false, "could not read the count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cp1 := &replyNode{fakeNode: fakeNode{name: "h-control-plane", role: clusters.RoleControlPlane}, replies: map[string]string{count: tt.cp1}}
			cp2 := &replyNode{fakeNode: fakeNode{name: "h-control-plane2", role: clusters.RoleControlPlane}, replies: map[string]string{count: tt.cp2}}
			env := Env{Cluster: &clusters.Cluster{Name: "h", Nodes: []clusters.Node{cp1, cp2}}, RunID: "r1"}
			f, _ := build(failpointSpec, Common{Name: "slow", Duration: 1}, &FailpointParams{Failpoint: "walBeforeSync", Action: "sleep(500)"})
			if _, err := f.Plan(context.Background(), env); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
			defer cancel()
			ev := f.(Prover).Evidence(ctx, env)
			if ev.Took != tt.took || !strings.Contains(ev.Observed, tt.observedIn) {
				t.Fatalf("evidence %+v; want took %v and %q", ev, tt.took, tt.observedIn)
			}
		})
	}
}

// TestRejectEvidence: the refusals of the fault's own objects, summed over
// the control-plane nodes' apiservers, prove it; another fault's do not.
func TestRejectEvidence(t *testing.T) {
	t.Parallel()
	metrics := "sh -c " + apiserverMetrics + " harness"
	env := Env{RunID: "run-1"}
	name := objectName(env, "refuse")
	webhook := strings.TrimPrefix(name, "harness-") + ".unavailable.harness.dev"
	tests := []struct {
		mode, cp1, cp2, observedIn string
		took                       bool
	}{
		{"deny", `apiserver_validating_admission_policy_check_total{enforcement_action="deny",policy="` + name + `"} 2` + "\n",
			`apiserver_validating_admission_policy_check_total{enforcement_action="deny",policy="` + name + `"} 1` + "\n", "counted 3 refusals", true},
		{"deny", `apiserver_validating_admission_policy_check_total{enforcement_action="deny",policy="harness-other-1"} 9` + "\n", "",
			"counted no refusal", false},
		{"unavailable", `apiserver_admission_webhook_rejection_count{name="` + webhook + `",error_type="calling_webhook_error"} 4` + "\n", "",
			"counted 4 refusals by " + webhook, true},
		{"throttle", `apiserver_flowcontrol_rejected_requests_total{flow_schema="` + name + `",priority_level="` + name + `",reason="concurrency-limit"} 5` + "\n", "",
			"counted 5 refusals", true},
	}
	for _, tt := range tests {
		t.Run(tt.mode+"/"+tt.observedIn, func(t *testing.T) {
			t.Parallel()
			cp1 := &replyNode{fakeNode: fakeNode{name: "h-control-plane", role: clusters.RoleControlPlane}, replies: map[string]string{metrics: tt.cp1}}
			cp2 := &replyNode{fakeNode: fakeNode{name: "h-control-plane2", role: clusters.RoleControlPlane}, replies: map[string]string{metrics: tt.cp2}}
			worker := &replyNode{fakeNode: fakeNode{name: "h-worker", role: clusters.RoleWorker}}
			env := Env{Cluster: &clusters.Cluster{Name: "h", Nodes: []clusters.Node{cp1, cp2, worker}}, RunID: "run-1"}
			f, err := build(rejectSpec, Common{Name: "refuse", Duration: 1, Target: Target{Node: "control-plane"}},
				&RejectParams{Mode: tt.mode, ServiceAccount: "demo/agent", Resources: []string{"configmaps"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Plan(context.Background(), env); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
			defer cancel()
			ev := f.(Prover).Evidence(ctx, env)
			if ev.Took != tt.took || !strings.Contains(ev.Observed, tt.observedIn) {
				t.Fatalf("evidence %+v; want took %v and %q", ev, tt.took, tt.observedIn)
			}
			if len(worker.ran) != 0 {
				t.Errorf("read a worker's metrics: %v", worker.ran)
			}
		})
	}
}

// TestStaleEvidence: packets dropped by the fault's DROP rules (INPUT and
// OUTPUT of every node) prove it; none dropped means nothing went stale.
func TestStaleEvidence(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in, out string
		took    bool
	}{{"3", "4", true}, {"0", "0", false}} {
		env0 := Env{RunID: "r1"}
		tag := comment(env0, "stale")
		counter := func(chain string) string { return "sh -c " + ruleCounter + " harness  " + chain + " " + tag }
		cp := &replyNode{fakeNode: fakeNode{name: "h-control-plane", role: clusters.RoleControlPlane},
			replies: map[string]string{counter("INPUT"): tt.in, counter("OUTPUT"): tt.out}}
		env := Env{Cluster: &clusters.Cluster{Name: "h", Nodes: []clusters.Node{cp}}, RunID: "r1"}
		f, _ := build(staleSpec, Common{Name: "stale", Duration: 1}, &StaleParams{})
		if _, err := f.Plan(context.Background(), env); err != nil {
			t.Fatal(err)
		}
		ev := f.(Prover).Evidence(context.Background(), env)
		if ev.Took != tt.took {
			t.Errorf("counters %s/%s: evidence %+v; want took %v", tt.in, tt.out, ev, tt.took)
		}
	}
}
