package faults

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/harness-dev/harness/clusters"
)

func runningPod(name, node string, hostNetwork bool, id string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "agents", Name: name, Labels: map[string]string{"app": "vip"}},
		Spec:       corev1.PodSpec{NodeName: node, HostNetwork: hostNetwork},
		Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "agent", ContainerID: "containerd://" + id,
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}},
	}
}

// TestPartitionOfHostNetworkPod: a hostNetwork Pod is cut by its
// container's cgroup (net_cls class, a rule in the node's OUTPUT chain on
// the apiserver's port), never by a rule that would cut the whole node;
// the container ID is an argument of the constant script.
func TestPartitionOfHostNetworkPod(t *testing.T) {
	t.Parallel()
	worker := &fakeNode{name: "c-worker", role: clusters.RoleWorker}
	env := Env{Cluster: &clusters.Cluster{Name: "c", Nodes: []clusters.Node{worker}}, RunID: "r",
		Client: fake.NewClientset(runningPod("vip-1", "c-worker", true, "0123456789abcdef"))}
	f, err := build(partitionSpec, Common{Name: "cut", Target: Target{Namespace: "agents", Selector: "app=vip"}}, &PartitionParams{})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.(HostNeeder).HostNeeds(); len(got) != 1 || got[0] != clusters.NeedNetCls {
		t.Fatalf("HostNeeds = %v, want net_cls (a chosen Pod may use the host network)", got)
	}
	rev, err := f.Plan(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	in := f.(*partition).inject
	if len(in) != 1 || len(rev.Steps) != 1 || in[0].Node != "c-worker" {
		t.Fatalf("inject %+v revert %+v; want one enrollment on c-worker", in, rev.Steps)
	}
	argv := in[0].Argv
	if argv[2] != cutContainer || argv[4] != "0123456789abcdef" || argv[9] != enrollCgroupLoop {
		t.Fatalf("argv %q; want cutContainer with the container ID and the cgroup loop as arguments", argv)
	}
	rule := strings.Join(argv[10:], " ")
	if !strings.HasPrefix(rule, "OUTPUT -m cgroup --cgroup 0x") || !strings.Contains(rule, "-p tcp --dport 6443 -m comment --comment harness:r:cut -j DROP") {
		t.Fatalf("rule %q; want the class's traffic to tcp/6443 dropped", rule)
	}
	if undo := rev.Steps[0].Argv; undo[2] != uncutEdge || !strings.Contains(strings.Join(undo, " "), "_0123456789ab") {
		t.Fatalf("revert %q; want uncutEdge of the container's own cgroup", undo)
	}
}

func TestNetworkOfHostNetworkPod(t *testing.T) {
	t.Parallel()
	env := Env{Cluster: &clusters.Cluster{Name: "c", Nodes: []clusters.Node{&fakeNode{name: "c-worker", role: clusters.RoleWorker}}},
		RunID: "r", Client: fake.NewClientset(runningPod("vip-1", "c-worker", true, "abc"))}
	target := Target{Namespace: "agents", Selector: "app=vip"}
	f, _ := build(networkSpec, Common{Name: "lossy", Target: target}, &NetworkParams{Mode: "loss", Percent: 30})
	if _, err := f.Plan(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if argv := f.(*network).inject[0].Argv; argv[2] != cutContainer || !strings.Contains(strings.Join(argv, " "), "--probability 0.3000") {
		t.Fatalf("loss of a hostNetwork Pod: argv %q", argv)
	}
	f, _ = build(networkSpec, Common{Name: "slow", Target: target}, &NetworkParams{Mode: "bandwidth", Rate: "1mbit"})
	if _, err := f.Plan(context.Background(), env); err == nil || !strings.Contains(err.Error(), "would shape the whole node's eth0") {
		t.Fatalf("bandwidth on a hostNetwork Pod: err = %v, want a refusal", err)
	}
}
