package faults_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-dev/harness/faults"
)

// sinceRenewal returns how long ago a kube-system Lease was renewed.
func sinceRenewal(env faults.Env, name string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	l, err := env.Client.CoordinationV1().Leases("kube-system").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return 0, err
	}
	if l.Spec.RenewTime == nil {
		return 0, fmt.Errorf("lease %s never renewed", name)
	}
	return time.Since(l.Spec.RenewTime.Time), nil
}

// TestIntegrationNetworkComponentEdge cuts only kube-controller-manager
// from the apiserver: its lease goes stale while the scheduler, on the same
// node and network, keeps renewing its own.
func TestIntegrationNetworkComponentEdge(t *testing.T) {
	env := sharedEnv(t)
	g := NewWithT(t)
	f := newFault(t, "network", faults.Common{Target: faults.Target{Component: "kube-controller-manager"}},
		&faults.NetworkParams{Mode: "partition"})
	revert := inject(t, env, f)
	g.Expect(strings.TrimSpace(inNode(t, env, "for f in /run/harness/*.pid; do kill -0 \"$(cat \"$f\")\" && echo alive; done | grep -c alive; true"))).
		To(Equal("1"), "no loop enrolls a restarted kube-controller-manager")
	g.Eventually(func() (time.Duration, error) { return sinceRenewal(env, "kube-controller-manager") }).
		WithTimeout(time.Minute).WithPolling(500*time.Millisecond).Should(BeNumerically(">", 8*time.Second),
		"kube-controller-manager still renews its lease through the partition")
	tookEffect(t, env, f, "matched")
	g.Expect(sinceRenewal(env, "kube-scheduler")).To(BeNumerically("<", 5*time.Second),
		"the scheduler was cut too: the partition is not limited to one component")
	revert()
	left := inNode(t, env, "iptables -S OUTPUT | grep -c harness: ; ls /run/harness/net_cls | grep -c harness; "+
		"ls /run/harness/*.pid 2>/dev/null | wc -l; ps -eo args | grep -c '[e]nroll kube-controller-manager'; true")
	g.Expect(strings.Fields(left)).To(Equal([]string{"0", "0", "0", "0"}), "rules, cgroups or enroll loops left behind:\n%s", left)
	g.Eventually(func() (time.Duration, error) { return sinceRenewal(env, "kube-controller-manager") }).
		WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(BeNumerically("<", 5*time.Second))
	revert()
	waitHealthy(t, env)
}

func TestIntegrationNetworkNode(t *testing.T) {
	env := sharedEnv(t)
	livez := "curl -sk --max-time 3 https://127.0.0.1:6443/livez; echo \" exit=$?\""
	t.Run("loss", func(t *testing.T) {
		f := newFault(t, "network", faults.Common{}, &faults.NetworkParams{Mode: "loss", Percent: 100, Port: 6443})
		revert := inject(t, env, f)
		if got := inNode(t, env, livez); !strings.Contains(got, "exit=28") {
			t.Fatalf("apiserver answered through 100%% loss: %s", got)
		}
		tookEffect(t, env, f, "matched")
		revert()
		if got := inNode(t, env, livez); !strings.Contains(got, "ok exit=0") {
			t.Fatalf("apiserver does not answer after the revert: %s", got)
		}
	})
	t.Run("bandwidth", func(t *testing.T) {
		f := newFault(t, "network", faults.Common{}, &faults.NetworkParams{Mode: "bandwidth", Rate: "1mbit"})
		revert := inject(t, env, f)
		if got := inNode(t, env, "tc qdisc show dev eth0"); !strings.Contains(got, "tbf") || !strings.Contains(got, "rate 1Mbit") {
			t.Fatalf("no 1mbit tbf qdisc on eth0: %s", got)
		}
		// Traffic leaving the node: the apiserver's answers to this test.
		for i := 0; i < 3; i++ {
			if _, err := env.Client.CoreV1().Pods("kube-system").List(context.Background(), metav1.ListOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		tookEffect(t, env, f, "tbf qdisc matched")
		revert()
		if got := inNode(t, env, "tc qdisc show dev eth0"); strings.Contains(got, "tbf") {
			t.Fatalf("tbf left on eth0: %s", got)
		}
	})
	t.Run("latency", func(t *testing.T) {
		f := newFault(t, "network", faults.Common{}, &faults.NetworkParams{Mode: "latency", Delay: 200 * time.Millisecond})
		rev, err := f.Plan(context.Background(), env)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = faults.RunRevert(context.Background(), env.Cluster, rev) }()
		err = f.Inject(context.Background(), env)
		if err != nil {
			// Debian's cloud kernels and some CI kernels lack sch_netem.
			if !strings.Contains(err.Error(), "this kernel has no netem qdisc") {
				t.Fatalf("latency failed without saying why: %v", err)
			}
			return
		}
		if got := inNode(t, env, "tc qdisc show dev eth0"); !strings.Contains(got, "netem") || !strings.Contains(got, "delay 200ms") {
			t.Fatalf("no netem qdisc on eth0: %s", got)
		}
	})
	waitHealthy(t, env)
}
