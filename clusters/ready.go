package clusters

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// LeaderLeases are the control-plane Leases (in kube-system) whose holders
// must be renewing for a control plane to count as working.
var LeaderLeases = []string{"kube-controller-manager", "kube-scheduler"}

// Unsettled lists what keeps a cluster from its known state, sorted (empty
// when there is nothing): fewer than nodes nodes registered; a node not
// Ready, or whose Ready heartbeat is older than since (zero: any); a
// kube-system Pod not Ready or with a container waiting (a crash-loop
// back-off, an image not started); a LeaderLeases Lease not renewed within
// its duration.
func Unsettled(ctx context.Context, client kubernetes.Interface, nodes int, since time.Time) []string {
	nodeList, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return []string{fmt.Sprintf("the apiserver does not answer (%v)", err)}
	}
	var why []string
	if len(nodeList.Items) < nodes {
		why = append(why, fmt.Sprintf("%d of %d nodes registered", len(nodeList.Items), nodes))
	}
	for _, n := range nodeList.Items {
		if !nodeReadySince(n, since) {
			why = append(why, "node/"+n.Name+" not Ready")
		}
	}
	pods, err := client.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{})
	if err != nil {
		return append(why, fmt.Sprintf("kube-system Pods not listed (%v)", err))
	}
	if len(pods.Items) == 0 {
		why = append(why, "no kube-system pods yet")
	}
	for _, p := range pods.Items {
		why = append(why, podUnsettled(p)...)
	}
	for _, name := range LeaderLeases {
		l, err := client.CoordinationV1().Leases("kube-system").Get(ctx, name, metav1.GetOptions{})
		switch {
		case err != nil:
			why = append(why, fmt.Sprintf("lease kube-system/%s: %v", name, err))
		case l.Spec.RenewTime == nil || l.Spec.LeaseDurationSeconds == nil ||
			time.Since(l.Spec.RenewTime.Time) > time.Duration(*l.Spec.LeaseDurationSeconds)*time.Second:
			why = append(why, "lease kube-system/"+name+" not renewed within its duration")
		}
	}
	sort.Strings(why)
	return why
}

// nodeReadySince: Ready, by a heartbeat after since.
func nodeReadySince(n corev1.Node, since time.Time) bool {
	i := slices.IndexFunc(n.Status.Conditions, func(c corev1.NodeCondition) bool { return c.Type == corev1.NodeReady })
	return i >= 0 && n.Status.Conditions[i].Status == corev1.ConditionTrue &&
		(since.IsZero() || n.Status.Conditions[i].LastHeartbeatTime.After(since.Add(-time.Second)))
}

// podUnsettled says why a kube-system Pod is not settled: not Ready, or a
// container waiting (in a back-off, or not started).
func podUnsettled(p corev1.Pod) []string {
	if p.Status.Phase == corev1.PodSucceeded {
		return nil
	}
	var why []string
	if !slices.ContainsFunc(p.Status.Conditions, func(c corev1.PodCondition) bool {
		return c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue
	}) {
		why = append(why, "pod/kube-system/"+p.Name+" not Ready")
	}
	for _, st := range p.Status.ContainerStatuses {
		if st.State.Waiting != nil {
			why = append(why, fmt.Sprintf("pod/kube-system/%s container %s waiting (%s)", p.Name, st.Name, st.State.Waiting.Reason))
		}
	}
	return why
}
