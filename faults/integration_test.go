package faults_test

// The fault integration tests share one kind cluster per test binary: each
// test injects its fault, checks the effect, reverts it, checks that nothing
// of it remains, and leaves the cluster healthy for the next one.

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/testenv"
)

var shared struct {
	once     sync.Once
	provider *kind.Provider
	cluster  *clusters.Cluster
	client   *kubernetes.Clientset
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.cluster != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		if err := shared.provider.Delete(ctx, shared.cluster.Name); err != nil {
			fmt.Fprintf(os.Stderr, "delete cluster %s: %v\n", shared.cluster.Name, err)
			code = 1
		}
		cancel()
	}
	os.Exit(code)
}

// sharedEnv returns the Env of the test binary's cluster, creating it on
// first use, and waits until the cluster is healthy.
func sharedEnv(t testing.TB) faults.Env {
	t.Helper()
	testenv.RequireDocker(t)
	image := testenv.NodeImage(t)
	shared.once.Do(func() {
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		dir, err := os.MkdirTemp("", "harness-faults-test")
		if err != nil {
			shared.err = err
			return
		}
		shared.provider = kind.New(log, dir)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		spec := clusters.Spec{Name: fmt.Sprintf("faults-%d", os.Getpid()%100000), NodeImage: image,
			Wait: 3 * time.Minute, LogDir: dir, HostNeeds: []string{clusters.NeedNetCls}}
		shared.cluster, shared.err = shared.provider.Create(ctx, spec)
		if shared.err == nil {
			shared.client, shared.err = shared.cluster.Client()
		}
	})
	if shared.err != nil {
		t.Fatalf("shared test cluster: %v", shared.err)
	}
	env := faults.Env{Cluster: shared.cluster, Client: shared.client, RunID: "test-" + t.Name(),
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	waitHealthy(t, env)
	return env
}

// waitHealthy waits until every kube-system Pod is Ready and the apiserver
// answers, so that each test starts from (and leaves) a healthy cluster.
func waitHealthy(t testing.TB, env faults.Env) {
	t.Helper()
	g := NewWithT(t)
	g.Eventually(func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pods, err := env.Client.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		for _, p := range pods.Items {
			if !podReady(p) {
				return fmt.Errorf("pod %s not Ready", p.Name)
			}
		}
		return nil
	}).WithTimeout(4*time.Minute).WithPolling(time.Second).Should(Succeed(), "cluster not healthy")
}

func podReady(p corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// newFault builds a fault of type typ as the scenario decoder would.
func newFault(t *testing.T, typ string, c faults.Common, params any) faults.Fault {
	t.Helper()
	spec, ok := faults.Lookup(typ)
	if !ok {
		t.Fatalf("no fault type %s", typ)
	}
	if c.Name == "" {
		c.Name = typ
	}
	f, errs := spec.Build(c, params)
	if err := errs.ToAggregate(); err != nil {
		t.Fatalf("new %s: %v", typ, err)
	}
	return f
}

// inject plans and injects f and returns its revert, which the test must
// run (it is also registered as a cleanup, where it is harmless once run:
// reverts are idempotent).
func inject(t *testing.T, env faults.Env, f faults.Fault) func() {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rev, err := f.Plan(ctx, env)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	revert := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if err := faults.RunRevert(ctx, env.Cluster, rev); err != nil {
			t.Errorf("revert: %v", err)
		}
	}
	t.Cleanup(revert)
	if err := f.Inject(ctx, env); err != nil {
		t.Fatalf("inject: %v", err)
	}
	return revert
}

// evidence gathers what the system shows of an injected fault, as the
// lifecycle does (bounded like an instant fault's).
func evidence(t *testing.T, env faults.Env, f faults.Fault) faults.Evidence {
	t.Helper()
	p, ok := f.(faults.Prover)
	if !ok {
		t.Fatalf("%T gathers no evidence", f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ev := p.Evidence(ctx, env)
	t.Logf("evidence: took %v: %s", ev.Took, ev.Observed)
	return ev
}

// tookEffect fails the test unless the fault shows its effect.
// quickEvidence gathers a fault's evidence once, without waiting for it.
func quickEvidence(t *testing.T, env faults.Env, f faults.Fault) faults.Evidence {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ev := f.(faults.Prover).Evidence(ctx, env)
	t.Logf("evidence now: took %v: %s", ev.Took, ev.Observed)
	return ev
}

func tookEffect(t *testing.T, env faults.Env, f faults.Fault, says string) {
	t.Helper()
	if ev := evidence(t, env, f); !ev.Took || !strings.Contains(ev.Observed, says) {
		t.Fatalf("no evidence that the fault took effect (want %q): %s", says, ev.Observed)
	}
}

// inNode runs a shell script in the control-plane node and returns its output.
func inNode(t *testing.T, env faults.Env, script string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := env.Cluster.ControlPlane().Exec(ctx, nil, "sh", "-c", script)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return string(out)
}
