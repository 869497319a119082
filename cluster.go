package harness

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/internal/journal"
	"github.com/harness-dev/harness/internal/runner"
)

// ClusterOptions configure CreateCluster.
type ClusterOptions struct {
	// Provider creates the cluster; default the kind provider.
	Provider clusters.Provider
	// Name of the cluster; default "harness-go-" and a random suffix.
	Name string
	// NodeImage; default: the provider's image of KubernetesVersion
	// (OfflineNodeImage for kind when it is on the host).
	NodeImage string
	// KubernetesVersion (vMAJOR.MINOR.PATCH) chooses the node image.
	KubernetesVersion string
	// ControlPlanes is the number of control-plane nodes (default 1).
	ControlPlanes int
	// Workers besides the control-plane nodes.
	Workers int
	// Images are host images loaded into every node (no registry needed).
	Images []string
	// HostNeeds are what faults will need of the host (clusters.Need*).
	HostNeeds []string
	Log       *slog.Logger
}

// Cluster is a cluster a test drives: inject faults into it, record it,
// run scenarios on it.
type Cluster struct {
	c        *clusters.Cluster
	client   kubernetes.Interface
	provider clusters.Provider
	log      *slog.Logger
	// jr journals a cluster this process created, so that `harness cleanup`
	// deletes it if the process dies; nil for a used cluster.
	jr         *journal.Journal
	deleteOnce sync.Once
	deleteErr  error
}

// CreateCluster creates a cluster and waits until its nodes and
// kube-system Pods are Ready. Delete it when done (DeferCleanup, t.Cleanup).
func CreateCluster(ctx context.Context, o ClusterOptions) (*Cluster, error) {
	log := logger(o.Log)
	p := Options{Provider: o.Provider}.provider(log)
	name := o.Name
	if name == "" {
		name = runner.ClusterName(runner.NewRunID("go"))
	}
	jr, err := journal.Open(journal.DefaultDir(), journal.Entry{RunID: "cluster-" + name, PID: os.Getpid(),
		Started: time.Now(), Scenario: "Go API cluster", Provider: p.Name(), Cluster: name, ClusterCreated: true})
	if err != nil {
		return nil, err
	}
	cl := &Cluster{provider: p, log: log, jr: jr}
	cl.c, err = p.Create(ctx, clusters.Spec{Name: name, NodeImage: o.NodeImage, KubernetesVersion: o.KubernetesVersion,
		ControlPlanes: o.ControlPlanes, Workers: o.Workers, HostNeeds: o.HostNeeds})
	if err == nil && len(o.Images) > 0 {
		err = p.LoadImages(ctx, name, o.Images)
	}
	if err == nil {
		cl.client, err = cl.c.Client()
	}
	if err != nil {
		cl.c = &clusters.Cluster{Name: name}
		return nil, errors.Join(fmt.Errorf("create cluster %s: %w", name, err), cl.Delete(context.WithoutCancel(ctx)))
	}
	return cl, nil
}

// UseCluster drives an existing kind cluster, which Delete leaves alone.
// Faults are injected into it: name only a cluster made for testing.
func UseCluster(ctx context.Context, name string, log *slog.Logger) (*Cluster, error) {
	p := Options{}.provider(logger(log))
	c, err := p.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	client, err := c.Client()
	if err != nil {
		return nil, err
	}
	return &Cluster{c: c, client: client, provider: p, log: logger(log)}, nil
}

// Name is the cluster's name.
func (c *Cluster) Name() string { return c.c.Name }

// Client is a clientset for the cluster.
func (c *Cluster) Client() kubernetes.Interface { return c.client }

// Kubeconfig is the cluster's kubeconfig (for kind, its context is
// kind-NAME).
func (c *Cluster) Kubeconfig() []byte { return c.c.Kubeconfig }

// Delete deletes a cluster that CreateCluster made; it does nothing for a
// used one. It may be called more than once.
func (c *Cluster) Delete(ctx context.Context) error {
	if c.jr == nil {
		return nil
	}
	c.deleteOnce.Do(func() {
		// The provider's contract: deleting a cluster that is gone succeeds.
		if err := c.provider.Delete(ctx, c.c.Name); err != nil {
			c.deleteErr = fmt.Errorf("delete cluster %s: %w (`harness cleanup` retries)", c.c.Name, err)
			return
		}
		c.deleteErr = c.jr.Close()
	})
	return c.deleteErr
}

// DeleteNamespace deletes a namespace and waits until it is gone, to reset
// the cluster between scenarios that share it.
func (c *Cluster) DeleteNamespace(ctx context.Context, ns string) error {
	err := c.client.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete namespace %s: %w", ns, err)
	}
	err = wait.PollUntilContextCancel(ctx, time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := c.client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if err != nil {
		return fmt.Errorf("namespace %s still there: %w; %s", ns, err, c.whyNotGone(ns))
	}
	return nil
}

// whyNotGone says what holds a namespace back: its conditions, and the
// control-plane Pods that are not Ready (the namespace controller runs in
// kube-controller-manager, which may be in a crash-loop back-off).
func (c *Cluster) whyNotGone(ns string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var why []string
	if n, err := c.client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err == nil {
		for _, cond := range n.Status.Conditions {
			if cond.Status == corev1.ConditionTrue {
				why = append(why, fmt.Sprintf("%s: %s", cond.Type, cond.Message))
			}
		}
	}
	pods, err := c.client.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Sprintf("the apiserver does not answer (%v)", err)
	}
	for _, p := range pods.Items {
		for _, st := range p.Status.ContainerStatuses {
			if !st.Ready {
				reason := "not ready"
				if st.State.Waiting != nil {
					reason = st.State.Waiting.Reason
				}
				why = append(why, fmt.Sprintf("kube-system/%s %s (%s, %d restarts)", p.Name, st.Name, reason, st.RestartCount))
			}
		}
	}
	if len(why) == 0 {
		return "no condition says why and the control plane is Ready"
	}
	return strings.Join(why, "; ")
}
