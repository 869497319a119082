package runner

import (
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/scenarios"
)

type waitNode struct{ name string }

func (n waitNode) Name() string { return n.name }
func (n waitNode) Role() string { return clusters.RoleControlPlane }
func (n waitNode) Exec(context.Context, io.Reader, ...string) ([]byte, error) {
	return nil, nil
}

// waitRun is a run on a fake API server holding objs, with one
// control-plane node whose InternalIP is 127.0.0.1 (so a NodePort is a
// port on this machine).
func waitRun(objs ...runtime.Object) *run {
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "cp"},
		Status:     corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}}},
	}
	return &run{env: faults.Env{
		Client:  fake.NewClientset(append(objs, node)...),
		Cluster: &clusters.Cluster{Nodes: []clusters.Node{waitNode{"cp"}}, Subnet: "127.0.0.0/8"},
	}}
}

func objMeta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: "ns", Name: name}
}

func service(nodePort int32) *corev1.Service {
	return &corev1.Service{ObjectMeta: objMeta("web"), Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80, NodePort: nodePort}}}}
}

func endpoints(ready bool) *discoveryv1.EndpointSlice {
	return &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web-x", Labels: map[string]string{discoveryv1.LabelServiceName: "web"}},
		Endpoints:  []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
	}
}

// TestSetupReadiness: what each kind of setup.waitFor waits for, both
// ways, and what the run reports while it is not ready.
func TestSetupReadiness(t *testing.T) {
	t.Parallel()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = listener.Close() })
	open := int32(listener.Addr().(*net.TCPAddr).Port)
	closed := freePort(t)
	two := int32(2)
	tests := []struct {
		name      string
		kind      string
		objs      []runtime.Object
		wantReady bool
		wantState string
	}{
		{"deployment available", "Deployment", []runtime.Object{&appsv1.Deployment{ObjectMeta: objMeta("web"), Spec: appsv1.DeploymentSpec{Replicas: &two},
			Status: appsv1.DeploymentStatus{AvailableReplicas: 2, UpdatedReplicas: 2}}}, true, "2 of 2 available"},
		{"deployment rolling", "Deployment", []runtime.Object{&appsv1.Deployment{ObjectMeta: objMeta("web"), Spec: appsv1.DeploymentSpec{Replicas: &two},
			Status: appsv1.DeploymentStatus{AvailableReplicas: 1, UpdatedReplicas: 2}}}, false, "1 of 2 available"},
		{"daemonset ready", "DaemonSet", []runtime.Object{&appsv1.DaemonSet{ObjectMeta: objMeta("web"),
			Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: 2, NumberReady: 2}}}, true, "2 of 2 ready"},
		{"daemonset scheduled nowhere", "DaemonSet", []runtime.Object{&appsv1.DaemonSet{ObjectMeta: objMeta("web")}}, false, "0 of 0 ready"},
		{"pod ready", "Pod", []runtime.Object{&corev1.Pod{ObjectMeta: objMeta("web"), Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}}}, true, "phase Running"},
		{"pod not ready", "Pod", []runtime.Object{&corev1.Pod{ObjectMeta: objMeta("web"), Status: corev1.PodStatus{Phase: corev1.PodPending}}}, false, "phase Pending"},
		{"job complete", "Job", []runtime.Object{&batchv1.Job{ObjectMeta: objMeta("web"),
			Status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}}}}, true, "Complete"},
		{"job failed", "Job", []runtime.Object{&batchv1.Job{ObjectMeta: objMeta("web"),
			Status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Message: "BackoffLimitExceeded"}}}}}, false, "Failed: BackoffLimitExceeded"},
		{"job running", "Job", []runtime.Object{&batchv1.Job{ObjectMeta: objMeta("web"), Status: batchv1.JobStatus{Active: 1}}}, false, "0 succeeded, 1 active"},
		{"service without endpoints", "Service", []runtime.Object{service(0)}, false, "no ready endpoint"},
		{"service with an unready endpoint", "Service", []runtime.Object{service(0), endpoints(false)}, false, "no ready endpoint"},
		{"ClusterIP service with a ready endpoint", "Service", []runtime.Object{service(0), endpoints(true)}, true, "1 ready endpoints"},
		{"NodePort answering", "Service", []runtime.Object{service(open), endpoints(true)}, true, "1 ready endpoints"},
		{"NodePort not answering", "Service", []runtime.Object{service(closed), endpoints(true)}, false,
			"1 ready endpoints; NodePort 127.0.0.1:" + strconv.Itoa(int(closed)) + " does not answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := waitRun(tt.objs...)
			ready, state, err := r.readiness(context.Background(), scenarios.WaitFor{Kind: tt.kind, Namespace: "ns", Name: "web"})
			if err != nil {
				t.Fatal(err)
			}
			if ready != tt.wantReady || !strings.HasPrefix(state, tt.wantState) {
				t.Fatalf("readiness = %v, %q; want %v, %q", ready, state, tt.wantReady, tt.wantState)
			}
		})
	}
}

// TestSetupReadinessMissingObject: an object that does not exist (yet) is
// an error the wait polls through, not a verdict.
func TestSetupReadinessMissingObject(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"Deployment", "DaemonSet", "Pod", "Job", "Service"} {
		if ready, _, err := waitRun().readiness(context.Background(), scenarios.WaitFor{Kind: kind, Namespace: "ns", Name: "web"}); ready || err == nil {
			t.Errorf("%s missing: ready %v, error %v; want not ready with an error", kind, ready, err)
		}
	}
}

// freePort is a TCP port of 127.0.0.1 that nothing listens on (it was
// free a moment ago).
func freePort(t *testing.T) int32 {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := int32(l.Addr().(*net.TCPAddr).Port)
	_ = l.Close()
	return port
}
