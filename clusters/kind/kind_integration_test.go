package kind_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/internal/testenv"
)

const netcheckImage = "harness.dev/netcheck:test"

func newProvider(t *testing.T) *kind.Provider {
	return kind.New(slog.New(slog.NewTextHandler(os.Stderr, nil)), t.TempDir())
}

// TestIntegrationKindClusters creates a one-node and a two-node cluster from
// the node image under test, checks they work, deletes them and checks that
// nothing of theirs is left.
func TestIntegrationKindClusters(t *testing.T) {
	testenv.RequireDocker(t)
	image := testenv.NodeImage(t)
	testenv.BuildImage(t, "test/images/netcheck", netcheckImage)
	for _, workers := range []int{0, 1} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			ctx := context.Background()
			p := newProvider(t)
			name := fmt.Sprintf("harness-it-%d-%d", workers, time.Now().Unix()%100000)
			start := time.Now()
			c, err := p.Create(ctx, clusters.Spec{Name: name, NodeImage: image, Workers: workers, LogDir: t.TempDir()})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			t.Logf("cluster %s with %d nodes ready after %s", name, len(c.Nodes), time.Since(start).Round(time.Second))
			deleted := false
			t.Cleanup(func() {
				if !deleted {
					_ = p.Delete(context.Background(), name)
				}
			})
			if len(c.Nodes) != workers+1 {
				t.Fatalf("got %d nodes, want %d", len(c.Nodes), workers+1)
			}
			client, err := c.Client()
			if err != nil {
				t.Fatal(err)
			}
			if err := p.LoadImages(ctx, name, []string{netcheckImage}); err != nil {
				t.Fatalf("load images: %v", err)
			}
			checkPodNetwork(t, client, c)
			ips := nodeIPs(t, c)
			if err := p.Delete(ctx, name); err != nil {
				t.Fatal(err)
			}
			deleted = true
			checkNothingLeft(t, name, ips)
		})
	}
}

// checkPodNetwork runs a server Pod on the control plane and a client Pod on
// the last node (the worker when there is one) that must reach it.
func checkPodNetwork(t *testing.T, client kubernetes.Interface, c *clusters.Cluster) {
	g := NewWithT(t)
	ctx := context.Background()
	cp := c.ControlPlane().Name()
	clientNode := c.Nodes[len(c.Nodes)-1].Name()
	if clientNode == cp && len(c.Nodes) > 1 {
		clientNode = c.Nodes[0].Name()
	}
	server := netcheckPod("server", cp, "serve", ":8080")
	_, err := client.CoreV1().Pods("default").Create(ctx, server, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	var serverIP string
	g.Eventually(func() bool {
		p, err := client.CoreV1().Pods("default").Get(ctx, "server", metav1.GetOptions{})
		if err != nil || p.Status.Phase != corev1.PodRunning {
			return false
		}
		serverIP = p.Status.PodIP
		return serverIP != ""
	}, 2*time.Minute, time.Second).Should(BeTrue(), "server pod running on %s", cp)
	probe := netcheckPod("client", clientNode, "get", "http://"+serverIP+":8080/")
	probe.Spec.RestartPolicy = corev1.RestartPolicyNever
	_, err = client.CoreV1().Pods("default").Create(ctx, probe, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() corev1.PodPhase {
		p, err := client.CoreV1().Pods("default").Get(ctx, "client", metav1.GetOptions{})
		if err != nil {
			return ""
		}
		return p.Status.Phase
	}, 2*time.Minute, time.Second).Should(Equal(corev1.PodSucceeded),
		"a Pod on %s must reach the Pod %s on %s", clientNode, serverIP, cp)
}

func netcheckPod(name, node string, args ...string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: corev1.PodSpec{
			NodeName:    node,
			Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			Containers: []corev1.Container{{
				Name: name, Image: netcheckImage, Args: args, ImagePullPolicy: corev1.PullNever,
			}},
		},
	}
}

func nodeIPs(t *testing.T, c *clusters.Cluster) []string {
	var ips []string
	for _, n := range c.Nodes {
		out, err := exec.Command("docker", "inspect", "--format",
			"{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", n.Name()).Output()
		if err != nil {
			t.Fatalf("docker inspect %s: %v", n.Name(), err)
		}
		ips = append(ips, strings.TrimSpace(string(out)))
	}
	return ips
}

func checkNothingLeft(t *testing.T, name string, ips []string) {
	out, err := exec.Command("docker", "ps", "-a", "--filter", "label=io.x-k8s.kind.cluster="+name, "--format", "{{.Names}}").Output()
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		t.Errorf("containers of cluster %s left after delete: %s", name, s)
	}
	if names, _ := newProvider(t).List(context.Background()); len(names) == 0 {
		if exec.Command("docker", "network", "inspect", "kind").Run() == nil {
			t.Errorf("the kind network is left although no kind cluster remains")
		}
	}
	rules, err := exec.Command("iptables-save").Output()
	if err != nil {
		t.Fatalf("iptables-save: %v", err)
	}
	for _, ip := range ips {
		if ip != "" && (strings.Contains(string(rules), ip+"/") || strings.Contains(string(rules), ip+":")) {
			t.Errorf("host iptables rules still name node address %s after delete", ip)
		}
	}
}
