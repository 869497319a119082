package faults_test

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/faults"
)

// restConfig is the shared cluster's admin configuration.
func restConfig(t *testing.T, env faults.Env) *rest.Config {
	t.Helper()
	cfg, err := clusters.RESTConfig(env.Cluster.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// agentClient returns a client that acts as the ServiceAccount ns/agent
// (the admin impersonates it), which is bound to cluster-admin so that
// only the fault can refuse it.
func agentClient(t *testing.T, env faults.Env, ns string) *kubernetes.Clientset {
	t.Helper()
	ctx := context.Background()
	_, err := env.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: ns + "-agent"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: ns, Name: "agent"}}}
	if _, err := env.Client.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = env.Client.RbacV1().ClusterRoleBindings().Delete(context.Background(), crb.Name, metav1.DeleteOptions{})
		_ = env.Client.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{})
	})
	cfg := restConfig(t, env)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:" + ns + ":agent"}
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// createConfigMap creates a ConfigMap as c, without client-go's retries of
// 429 answers, and returns the HTTP status of the answer (201 when
// created).
func createConfigMap(c kubernetes.Interface, ns, name string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{GenerateName: name}}
	res := c.CoreV1().RESTClient().Post().Namespace(ns).Resource("configmaps").Body(cm).MaxRetries(0).Do(ctx)
	var code int
	res.StatusCode(&code)
	return code, res.Error()
}

// TestIntegrationRejectRequests: for each mode, the chosen ServiceAccount's
// ConfigMap writes (or lists) are refused with the mode's status while the
// admin's go through; after the revert the ServiceAccount is served again
// and no object of the fault is left.
func TestIntegrationRejectRequests(t *testing.T) {
	env := sharedEnv(t)
	const ns = "harness-reject"
	agent := agentClient(t, env, ns)
	tests := []struct {
		p        faults.RejectParams
		wantCode int
		wantText string
	}{
		{faults.RejectParams{Mode: "deny", Verbs: []string{"create"}, Message: "no configmaps for the agent"}, 403, "no configmaps for the agent"},
		{faults.RejectParams{Mode: "deny", Reason: "Invalid"}, 422, "refused by harness fault"},
		{faults.RejectParams{Mode: "unavailable", Verbs: []string{"create"}}, 500, "failed calling webhook"},
	}
	for _, tt := range tests {
		t.Run(tt.p.Mode+"-"+tt.p.Reason, func(t *testing.T) {
			g := NewWithT(t)
			p := tt.p
			p.ServiceAccount, p.Resources = ns+"/agent", []string{"configmaps"}
			g.Expect(createConfigMap(agent, ns, "before-")).To(Equal(http.StatusCreated))
			f := newFault(t, "reject-requests", faults.Common{Name: "refuse-" + p.Mode, Duration: time.Minute}, &p)
			revert := inject(t, env, f)
			var lastErr error
			g.Eventually(func() int {
				code, err := createConfigMap(agent, ns, "during-")
				lastErr = err
				return code
			}).WithTimeout(30*time.Second).WithPolling(500*time.Millisecond).Should(Equal(tt.wantCode), "the agent's write was not refused")
			g.Expect(lastErr).To(MatchError(ContainSubstring(tt.wantText)))
			t.Logf("%s: the agent's create got %d: %v", p.Mode, tt.wantCode, lastErr)
			g.Expect(createConfigMap(env.Client, ns, "admin-")).To(Equal(http.StatusCreated), "the admin was refused too")
			tookEffect(t, env, f, "refusals by")
			revert()
			g.Eventually(func() int { code, _ := createConfigMap(agent, ns, "after-"); return code }).
				WithTimeout(30*time.Second).WithPolling(500*time.Millisecond).Should(Equal(http.StatusCreated), "the agent is still refused after the revert")
			left := inNode(t, env, "kubectl --kubeconfig /etc/kubernetes/admin.conf get validatingadmissionpolicies,validatingadmissionpolicybindings,"+
				"validatingwebhookconfigurations,flowschemas,prioritylevelconfigurations -o name | grep -c harness-refuse; true")
			g.Expect(strings.TrimSpace(left)).To(Equal("0"), "objects of the fault left behind")
		})
	}
}

// burst429 sends n concurrent LISTs of ConfigMaps as c, without client-go's
// retries, and counts the 429 answers.
func burst429(c kubernetes.Interface, ns string, n int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	count := 0
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := c.CoreV1().RESTClient().Get().Namespace(ns).Resource("configmaps").MaxRetries(0).Do(ctx).Error()
			if apierrors.IsTooManyRequests(err) {
				mu.Lock()
				count++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return count
}

// TestIntegrationRejectThrottle: in a priority level without seats, API
// Priority and Fairness still runs one request at a time (it never starves
// a level), so the chosen client's concurrent requests get 429 while the
// admin's do not; after the revert none does.
func TestIntegrationRejectThrottle(t *testing.T) {
	env := sharedEnv(t)
	g := NewWithT(t)
	const ns = "harness-throttle"
	agent := agentClient(t, env, ns)
	g.Expect(burst429(agent, ns, 20)).To(Equal(0))
	p := faults.RejectParams{Mode: "throttle", ServiceAccount: ns + "/agent", Resources: []string{"configmaps"}, Verbs: []string{"list", "create"}}
	f := newFault(t, "reject-requests", faults.Common{Name: "refuse-throttle", Duration: time.Minute}, &p)
	revert := inject(t, env, f)
	// Both ways: before the agent sends anything, the fault has refused nothing.
	if ev := quickEvidence(t, env, f); ev.Took {
		t.Fatalf("evidence before any request of the agent: %s", ev.Observed)
	}
	var got int
	g.Eventually(func() int { got = burst429(agent, ns, 20); return got }).WithTimeout(30*time.Second).WithPolling(time.Second).
		Should(BeNumerically(">", 0), "no 429 for the agent's concurrent requests")
	t.Logf("throttle: %d of 20 concurrent LISTs of the agent got 429", got)
	g.Expect(burst429(env.Client, ns, 20)).To(Equal(0), "the admin was throttled too")
	tookEffect(t, env, f, "refusals by")
	revert()
	g.Eventually(func() int { return burst429(agent, ns, 20) }).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Equal(0))
}

// TestIntegrationStaleConnections: a client's connection established before
// the fault hangs (its request times out) while a new client connects and
// is answered; after the revert the old client is answered again.
func TestIntegrationStaleConnections(t *testing.T) {
	env := sharedEnv(t)
	g := NewWithT(t)
	old, err := kubernetes.NewForConfig(restConfig(t, env))
	g.Expect(err).NotTo(HaveOccurred())
	get := func(c kubernetes.Interface) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := c.CoreV1().Namespaces().Get(ctx, "kube-system", metav1.GetOptions{})
		return err
	}
	g.Expect(get(old)).To(Succeed())
	f := newFault(t, "stale-connections", faults.Common{Duration: time.Minute}, &faults.StaleParams{})
	revert := inject(t, env, f)
	g.Expect(get(old)).To(MatchError(ContainSubstring("deadline")), "the connection established before the fault was answered")
	tookEffect(t, env, f, "matched")
	// client-go shares one transport (and its connections) between clients
	// of the same TLS configuration unless the configuration has its own
	// dialer: this one dials a new connection.
	freshCfg := restConfig(t, env)
	freshCfg.Dial = (&net.Dialer{Timeout: 5 * time.Second}).DialContext
	fresh, err := kubernetes.NewForConfig(freshCfg)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(get(fresh)).To(Succeed(), "a new connection was not answered during the fault")
	revert()
	g.Eventually(func() error { return get(old) }).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
	left := inNode(t, env, "(iptables -S; iptables -t mangle -S) | grep -c harness:; true")
	g.Expect(strings.TrimSpace(left)).To(Equal("0"), "connmark rules left behind")
	waitHealthy(t, env)
}

// TestIntegrationLeaderTarget: leader:kube-system/kube-controller-manager
// resolves to the node of the Lease's holder and is noted.
func TestIntegrationLeaderTarget(t *testing.T) {
	env := sharedEnv(t)
	var notes []string
	env.Note = func(s string) { notes = append(notes, s) }
	f := newFault(t, "pause", faults.Common{Duration: time.Second,
		Target: faults.Target{Component: "kube-scheduler", Node: "leader:kube-system/kube-controller-manager"}}, nil)
	rev, err := f.Plan(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	cp := env.Cluster.ControlPlane().Name()
	// pause resolves its target twice (SIGSTOP and the revert's SIGCONT).
	if len(rev.Steps) != 1 || rev.Steps[0].Node != cp || len(notes) == 0 || !strings.Contains(notes[0], "is "+cp+" (holder "+cp+"_") ||
		len(slices.Compact(slices.Clone(notes))) != 1 {
		t.Fatalf("revert %+v notes %q; want the control plane %s resolved from the Lease holder", rev.Steps, notes, cp)
	}
}
