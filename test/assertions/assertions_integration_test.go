package assertions_test

import (
	"context"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/harness-dev/harness"
	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
)

// verdict returns the verdict of the assertion named name of a run.
func verdict(t *testing.T, res *harness.Result, name string) assertions.Verdict {
	t.Helper()
	if res.Error != nil {
		t.Fatalf("run error in %s: %s\n%s", res.Error.Phase, res.Error.Message, harness.Describe(res))
	}
	for _, a := range res.Assertions {
		if a.Name == name {
			return a.Verdict
		}
	}
	t.Fatalf("no assertion %s in the result", name)
	return assertions.Verdict{}
}

// TestIntegrationReconcilesWhileLeaseHeld: a controller that wins its
// lease back but reconciles nothing passes leaseHeld and fails reconciles
// (bug); one that starts its controllers again passes both (fixed).
func TestIntegrationReconcilesWhileLeaseHeld(t *testing.T) {
	c := sharedCluster(t)
	for _, tt := range []struct {
		variant    string
		reconciles assertions.Status
		message    string
	}{
		{"bug", assertions.Failed, "not reconciled within 1m0s after cut-apiserver.end"},
		{"fixed", assertions.Passed, "reconciled"},
	} {
		t.Run(tt.variant, func(t *testing.T) {
			res := runScenario(t, c, "selfheal-reconciler.yaml", "selfheal-reconciler", map[string]string{"variant": tt.variant})
			t.Log(harness.Describe(res))
			if v := verdict(t, res, "leads-again"); v.Status != assertions.Passed {
				t.Fatalf("leads-again %s, want passed: %s", v.Status, v.Message)
			}
			v := verdict(t, res, "reconciles-again")
			if v.Status != tt.reconciles || !strings.Contains(v.Message, tt.message) {
				t.Fatalf("reconciles-again %s (%s), want %s with %q", v.Status, v.Message, tt.reconciles, tt.message)
			}
		})
	}
}

// webDeployment is one replica of the selfheal image whose readiness
// probe needs its process to answer every second.
func webDeployment(ns string) *appsv1.Deployment {
	one, grace := int32(1), int64(1)
	labels := map[string]string{"app": "web"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
				TerminationGracePeriodSeconds: &grace,
				Tolerations:                   []corev1.Toleration{{Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
				Containers: []corev1.Container{{Name: "web", Image: selfhealImage, ImagePullPolicy: corev1.PullNever,
					Args: []string{"--mode=reconciler", "--variant=fixed"},
					ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/readyz", Port: intstr.FromInt32(8080)}},
						PeriodSeconds: 1, FailureThreshold: 1, TimeoutSeconds: 1}}},
			}}},
	}
}

// hold keeps a lasting fault for d, then reverts it.
func hold(t *testing.T, rec *harness.Recording, f harness.Fault) {
	t.Helper()
	ctx := context.Background()
	revert, err := rec.Inject(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = revert(context.Background()) })
	<-time.After(f.Duration) // the fault's duration, not a wait for a condition
	if err := revert(ctx); err != nil {
		t.Fatal(err)
	}
}

func await(t *testing.T, rec *harness.Recording, a harness.Assertion) harness.Judgement {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	j, err := rec.Await(ctx, a)
	if err != nil {
		t.Fatalf("%v\n%s", err, j.Timeline)
	}
	return j
}

// TestIntegrationObjectStateInvariant: a Deployment whose only replica
// stops answering its readiness probe during a fault (SIGSTOP) fails an
// objectState invariant over that fault's window, with the time of the
// violation; the same invariant over a fault that leaves it alone passes.
func TestIntegrationObjectStateInvariant(t *testing.T) {
	c := sharedCluster(t)
	ctx := context.Background()
	const ns = "objstate"
	if err := c.DeleteNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	client := c.Client()
	if _, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.AppsV1().Deployments(ns).Create(ctx, webDeployment(ns), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	NewWithT(t).Eventually(func() int32 {
		d, _ := client.AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{})
		return d.Status.AvailableReplicas
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Equal(int32(1)))

	rec, err := c.Record(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Stop()
	available := func(name, fault string) harness.Assertion {
		return harness.Assertion{Name: name, Type: "objectState", From: fault + ".start", Until: fault + ".end",
			Params: &assertions.ObjectStateParams{ObjectRef: assertions.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: ns, Name: "web"},
				Expression: "has(object.status.availableReplicas) && object.status.availableReplicas >= 1"}}
	}
	untouched, stopped := available("web-during-scheduler-pause", "pause-scheduler"), available("web-during-web-pause", "pause-web")
	for _, a := range []harness.Assertion{untouched, stopped} {
		if err := rec.Probe(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	hold(t, rec, harness.Fault{Name: "pause-scheduler", Type: "pause", Target: faults.Target{Component: "kube-scheduler"}, Duration: 10 * time.Second})
	j := await(t, rec, untouched)
	if j.Status != assertions.Passed || !strings.Contains(j.Message, "holds throughout the window pause-scheduler.start to pause-scheduler.end") {
		t.Fatalf("untouched Deployment: %s: %s\n%s", j.Status, j.Message, j.Timeline)
	}
	t.Logf("passes: %s", j.Message)
	hold(t, rec, harness.Fault{Name: "pause-web", Type: "pause", Target: faults.Target{Namespace: ns, Selector: "app=web"}, Duration: 20 * time.Second})
	j = await(t, rec, stopped)
	if j.Status != assertions.Failed || !strings.Contains(j.Message, "violated") || !strings.Contains(j.Message, "Deployment "+ns+"/web") {
		t.Fatalf("stopped Deployment: %s: %s\n%s", j.Status, j.Message, j.Timeline)
	}
	t.Logf("fails: %s", j.Message)
}

// TestIntegrationMetricLeaderElection scrapes kube-controller-manager's
// leader_election_master_status on its secure port through the node: after
// a SIGKILL it is 1 again within 90s (measured), and not within 2s (the
// new process must wait for the old lease to expire).
func TestIntegrationMetricLeaderElection(t *testing.T) {
	c := sharedCluster(t)
	ctx := context.Background()
	rec, err := c.Record(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Stop()
	leads := func(name string, within time.Duration) harness.Assertion {
		return harness.Assertion{Name: name, Type: "metric", From: "kill-kcm.end", Within: within, Params: &assertions.MetricParams{
			Component: "kube-controller-manager", Metric: "leader_election_master_status",
			Labels: map[string]string{"name": "kube-controller-manager"}, Op: "==", Value: 1, Interval: "1s"}}
	}
	before := harness.Assertion{Name: "leads-before", Type: "metric", From: "check", Within: 30 * time.Second, Params: leads("", 0).Params}
	slow, fast := leads("leads-within-90s", 90*time.Second), leads("leads-within-2s", 2*time.Second)
	for _, a := range []harness.Assertion{before, slow, fast} {
		if err := rec.Probe(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	rec.Mark("check")
	if j := await(t, rec, before); j.Status != assertions.Passed {
		t.Fatalf("stock kube-controller-manager not leading: %s\n%s", j.Message, j.Timeline)
	}
	revert, err := rec.Inject(ctx, harness.Fault{Name: "kill-kcm", Type: "kill", Target: faults.Target{Component: "kube-controller-manager"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := revert(ctx); err != nil {
		t.Fatal(err)
	}
	j := await(t, rec, slow)
	if j.Status != assertions.Passed {
		t.Fatalf("after the kill: %s: %s\n%s", j.Status, j.Message, j.Timeline)
	}
	t.Logf("passes: %s (measured %s)", j.Message, j.Measured)
	if j := await(t, rec, fast); j.Status != assertions.Failed || !strings.Contains(j.Message, "not holds within 2s after kill-kcm.end") {
		t.Fatalf("within 2s: %s: %s", j.Status, j.Message)
	} else {
		t.Logf("fails: %s", j.Message)
	}
}

// TestIntegrationHTTPAndDNSOnTheKindNetwork probes an address on the kind
// network that is no NodePort: a VIP added to the control-plane node's
// eth0, where the apiserver answers /readyz. From the host and from a
// Pod's network namespace it is available while the VIP is there, and not
// once it is gone (each probe connects afresh). The cluster DNS resolves
// the kubernetes Service from the node, and not a name that does not
// exist.
func TestIntegrationHTTPAndDNSOnTheKindNetwork(t *testing.T) {
	c := sharedCluster(t)
	ctx := context.Background()
	vip := freeVIP(t, c)
	rec, err := c.Record(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Stop()
	url := "https://" + vip + ":6443/readyz"
	probe := func(name, from, until string, via *assertions.Sender) harness.Assertion {
		return harness.Assertion{Name: name, Type: "httpAvailable", From: from, Until: until,
			Params: &assertions.HTTPAvailableParams{URL: url, Via: via, Interval: "500ms"}}
	}
	coredns := &assertions.Sender{Namespace: "kube-system", Selector: "k8s-app=kube-dns"}
	up, upPod := probe("vip-up", "up.start", "up.end", nil), probe("vip-up-from-pod", "up.start", "up.end", coredns)
	gone := probe("vip-gone", "gone.start", "gone.end", nil)
	resolves := harness.Assertion{Name: "dns", Type: "dnsResolves", From: "up.start", Until: "up.end",
		Params: &assertions.DNSResolvesParams{Name: "kubernetes.default.svc.cluster.local", Expect: "10.96.0.1"}}
	missing := harness.Assertion{Name: "dns-missing", Type: "dnsResolves", From: "up.start", Until: "up.end",
		Params: &assertions.DNSResolvesParams{Name: "no-such-service.default.svc.cluster.local"}}
	for _, a := range []harness.Assertion{up, upPod, gone, resolves, missing} {
		if err := rec.Probe(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	node := controlPlane(c)
	inNode(t, node, "ip", "addr", "add", vip+"/32", "dev", "eth0")
	t.Cleanup(func() { _ = exec.Command("docker", "exec", node, "ip", "addr", "del", vip+"/32", "dev", "eth0").Run() })
	// The probes asked for the VIP before it existed: the host's and the
	// node's neighbour tables hold a failed entry for a moment. The window
	// starts once both senders got an answer.
	NewWithT(t).Eventually(func() bool { return answered(rec, "vip-up") && answered(rec, "vip-up-from-pod") }).
		WithTimeout(time.Minute).WithPolling(250*time.Millisecond).Should(BeTrue(), "the VIP never answered")
	window(t, rec, "up", 10*time.Second)
	inNode(t, node, "ip", "addr", "del", vip+"/32", "dev", "eth0")
	window(t, rec, "gone", 10*time.Second)
	for _, tt := range []struct {
		a    harness.Assertion
		want assertions.Status
		msg  string
	}{
		{up, assertions.Passed, "available 100.0%"},
		{upPod, assertions.Passed, "from pod kube-system/coredns"},
		{gone, assertions.Failed, "first unanswered"},
		{resolves, assertions.Passed, "DNS name kubernetes.default.svc.cluster.local. at 10.96.0.10 from node"},
		{missing, assertions.Failed, "NameError"},
	} {
		j := await(t, rec, tt.a)
		if j.Status != tt.want || !strings.Contains(j.Message, tt.msg) {
			t.Errorf("%s: %s (%s), want %s with %q", tt.a.Name, j.Status, j.Message, tt.want, tt.msg)
		}
		t.Logf("%s %s: %s", tt.a.Name, j.Status, j.Message)
	}
}

// answered reports whether the last answer of the HTTP probe named probe
// was a success.
func answered(rec *harness.Recording, probe string) bool {
	events := rec.Events()
	for i := len(events) - 1; i >= 0; i-- {
		if h := events[i].HTTP; h != nil && h.Probe == probe {
			return h.OK
		}
	}
	return false
}

// window marks name.start, waits d (the window's length) and marks name.end.
func window(t *testing.T, rec *harness.Recording, name string, d time.Duration) {
	t.Helper()
	rec.Mark(name + ".start")
	<-time.After(d)
	rec.Mark(name + ".end")
}

// freeVIP returns an address of the kind network that no container uses:
// the control-plane node's subnet's last usable address.
func freeVIP(t *testing.T, c *harness.Cluster) string {
	t.Helper()
	out := inNode(t, controlPlane(c), "ip", "-4", "-o", "addr", "show", "dev", "eth0")
	fields := strings.Fields(out)
	for i, f := range fields {
		if f == "inet" && i+1 < len(fields) {
			p, err := netip.ParsePrefix(fields[i+1])
			if err != nil {
				t.Fatal(err)
			}
			a := p.Masked().Addr().As4()
			host := ^uint32(0) >> p.Bits()
			n := (uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])) | (host - 5)
			return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}).String()
		}
	}
	t.Fatalf("no IPv4 address on eth0: %s", out)
	return ""
}

// controlPlane names the kind node container of the cluster's control plane.
func controlPlane(c *harness.Cluster) string { return c.Name() + "-control-plane" }

// inNode runs argv in a kind node container (a test's own setup, not a
// fault) and returns its output.
func inNode(t *testing.T, node string, argv ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", append([]string{"exec", node}, argv...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker exec %s %v: %v: %s", node, argv, err, out)
	}
	return string(out)
}
