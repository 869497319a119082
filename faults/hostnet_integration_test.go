package faults_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/testenv"
)

const netcheckImage = "harness.dev/netcheck:test"

// lastDial returns the last "up"/"down" line the dialer Pod printed.
func lastDial(env faults.Env, ns, pod string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := env.Client.CoreV1().Pods(ns).GetLogs(pod, &corev1.PodLogOptions{TailLines: ptr.To(int64(1))}).DoRaw(ctx)
	if err != nil {
		return "", err
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		return "", fmt.Errorf("no dial line yet: %q", out)
	}
	return f[1], nil
}

// TestIntegrationPartitionHostNetworkPod: a hostNetwork Pod that dials the
// apiserver every 500ms is cut by partition (namespace+selector) while the
// node's other processes still reach it (the scheduler renews its Lease,
// the node's curl is answered); after the revert the Pod dials again and
// no rule, cgroup or loop is left.
func TestIntegrationPartitionHostNetworkPod(t *testing.T) {
	env := sharedEnv(t)
	g := NewWithT(t)
	testenv.BuildImage(t, "test/images/netcheck", netcheckImage)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	g.Expect(shared.provider.LoadImages(ctx, env.Cluster.Name, []string{netcheckImage})).To(Succeed())
	const ns = "harness-hostnet"
	_, err := env.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "dialer", Labels: map[string]string{"app": "dialer"}},
		Spec: corev1.PodSpec{HostNetwork: true, NodeName: env.Cluster.ControlPlane().Name(),
			Containers: []corev1.Container{{Name: "dialer", Image: netcheckImage, ImagePullPolicy: corev1.PullNever,
				Args: []string{"dial", "127.0.0.1:6443"}}}}}
	_, err = env.Client.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() (string, error) { return lastDial(env, ns, "dialer") }).WithTimeout(time.Minute).Should(Equal("up"))
	g.Eventually(func() bool { // the kubelet reports the running container a moment after its first line
		p, err := env.Client.CoreV1().Pods(ns).Get(context.Background(), "dialer", metav1.GetOptions{})
		return err == nil && len(p.Status.ContainerStatuses) == 1 && p.Status.ContainerStatuses[0].State.Running != nil
	}).WithTimeout(time.Minute).Should(BeTrue())

	f := newFault(t, "partition", faults.Common{Target: faults.Target{Namespace: ns, Selector: "app=dialer"}}, &faults.PartitionParams{})
	revert := inject(t, env, f)
	g.Eventually(func() (string, error) { return lastDial(env, ns, "dialer") }).WithTimeout(20*time.Second).WithPolling(time.Second).
		Should(Equal("down"), "the hostNetwork Pod still reaches the apiserver")
	g.Consistently(func() (string, error) { return lastDial(env, ns, "dialer") }).WithTimeout(5*time.Second).WithPolling(time.Second).
		Should(Equal("down"), "the hostNetwork Pod got through during the partition")
	g.Expect(inNode(t, env, "curl -sk --max-time 3 https://127.0.0.1:6443/livez")).To(Equal("ok"), "the node's own processes were cut")
	g.Expect(sinceRenewal(env, "kube-scheduler")).To(BeNumerically("<", 5*time.Second), "the scheduler, on the same node, was cut")
	// A container the kubelet restarts during the fault is in the same
	// Pod cgroup: it is cut too.
	kill := newFault(t, "kill", faults.Common{Name: "kill-dialer", Target: faults.Target{Namespace: ns, Selector: "app=dialer"}}, &faults.KillParams{})
	inject(t, env, kill)
	g.Eventually(func() int32 {
		p, err := env.Client.CoreV1().Pods(ns).Get(context.Background(), "dialer", metav1.GetOptions{})
		if err != nil || len(p.Status.ContainerStatuses) == 0 || p.Status.ContainerStatuses[0].State.Running == nil {
			return 0
		}
		return p.Status.ContainerStatuses[0].RestartCount
	}).WithTimeout(time.Minute).Should(BeNumerically(">=", 1))
	g.Eventually(func() (string, error) { return lastDial(env, ns, "dialer") }).WithTimeout(20*time.Second).WithPolling(time.Second).
		Should(Equal("down"), "the restarted container reaches the apiserver")
	g.Consistently(func() (string, error) { return lastDial(env, ns, "dialer") }).WithTimeout(5*time.Second).WithPolling(time.Second).
		Should(Equal("down"), "the restarted container got through during the partition")
	revert()
	g.Eventually(func() (string, error) { return lastDial(env, ns, "dialer") }).WithTimeout(20 * time.Second).WithPolling(time.Second).Should(Equal("up"))
	left := inNode(t, env, "iptables -S OUTPUT | grep -c harness: ; ls /run/harness/net_cls | grep -c harness; ps -eo args | grep -c '[e]nroll /sys'; true")
	g.Expect(strings.Fields(left)).To(Equal([]string{"0", "0", "0"}), "rules, cgroups or enroll loops left behind")
	fmt.Fprintln(os.Stderr, "hostNetwork partition: dialer down during the fault, up after the revert")
}

// TestIntegrationExpireKubeletClientCert: with an expired client
// certificate and a restarted kubelet, the Node goes NotReady (its kubelet
// cannot report); after the revert (original certificate, kubelet
// restarted) it is Ready again.
func TestIntegrationExpireKubeletClientCert(t *testing.T) {
	env := sharedEnv(t)
	g := NewWithT(t)
	node := env.Cluster.ControlPlane().Name()
	ready := func() (corev1.ConditionStatus, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		n, err := env.Client.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady {
				return c.Status, nil
			}
		}
		return "", fmt.Errorf("node %s has no Ready condition", node)
	}
	g.Expect(ready()).To(Equal(corev1.ConditionTrue))
	f := newFault(t, "expire-certs", faults.Common{Duration: 3 * time.Minute},
		&faults.ExpireCertsParams{Certs: []string{"kubelet-client"}, Restart: true})
	start := time.Now()
	revert := inject(t, env, f)
	g.Eventually(ready).WithTimeout(3*time.Minute).WithPolling(2*time.Second).ShouldNot(Equal(corev1.ConditionTrue),
		"the node stayed Ready with an expired kubelet client certificate")
	t.Logf("node %s not Ready %s after the injection", node, time.Since(start).Round(time.Second))
	g.Expect(inNode(t, env, "journalctl -u kubelet --since '-3min' --no-pager | grep -c -i -E 'unauthorized|expired'; true")).
		NotTo(HavePrefix("0"), "the kubelet logs no refusal")
	start = time.Now()
	revert()
	g.Eventually(ready).WithTimeout(3 * time.Minute).WithPolling(2 * time.Second).Should(Equal(corev1.ConditionTrue))
	t.Logf("node %s Ready %s after the revert", node, time.Since(start).Round(time.Second))
	waitHealthy(t, env)
}
