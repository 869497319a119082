package kind

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

// waitReady waits until every node and every kube-system Pod is Ready. On
// timeout the error lists what was not Ready.
func waitReady(ctx context.Context, client kubernetes.Interface, nodes int, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var notReady []string
	var lastErr error
	err := wait.PollUntilContextCancel(ctx, time.Second, true, func(ctx context.Context) (bool, error) {
		list, err := listNotReady(ctx, client, nodes)
		if err != nil {
			lastErr = err
			return false, nil
		}
		notReady = list
		return len(notReady) == 0, nil
	})
	if err != nil {
		if len(notReady) == 0 {
			notReady = []string{fmt.Sprintf("the apiserver did not answer (%v)", lastErr)}
		}
		return fmt.Errorf("cluster not ready within %s: not Ready: %s", timeout, strings.Join(notReady, ", "))
	}
	return nil
}

func listNotReady(ctx context.Context, client kubernetes.Interface, wantNodes int) ([]string, error) {
	nodeList, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var out []string
	if len(nodeList.Items) < wantNodes {
		out = append(out, fmt.Sprintf("%d of %d nodes registered", len(nodeList.Items), wantNodes))
	}
	for _, n := range nodeList.Items {
		if !nodeReady(n) {
			out = append(out, "node/"+n.Name)
		}
	}
	pods, err := client.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, p := range pods.Items {
		if !podReady(p) {
			out = append(out, "pod/kube-system/"+p.Name)
		}
	}
	if len(pods.Items) == 0 {
		out = append(out, "no kube-system pods yet")
	}
	sort.Strings(out)
	return out, nil
}

func nodeReady(n corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func podReady(p corev1.Pod) bool {
	if p.Status.Phase == corev1.PodSucceeded {
		return true
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
