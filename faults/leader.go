package faults

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
)

// LeaderPrefix starts a node reference that names the node of a Lease's
// current holder: "leader:kube-system/kube-controller-manager".
const LeaderPrefix = "leader:"

// validateNodeRef checks target.node: a node reference of
// clusters.ValidateNode, or LeaderPrefix and a Lease (namespace/name).
func validateNodeRef(path *field.Path, ref string) field.ErrorList {
	lease, ok := strings.CutPrefix(ref, LeaderPrefix)
	if !ok {
		return clusters.ValidateNode(path, ref)
	}
	if _, _, errs := clusters.LeaseRef(path, lease); errs != nil {
		return field.ErrorList{field.Invalid(path, ref,
			"want leader:NAMESPACE/LEASE, such as leader:kube-system/kube-controller-manager")}
	}
	return nil
}

// leaderNode resolves "leader:NS/NAME" to the node of the Lease's holder,
// read when the fault is planned. The holder identity
// (Lease.spec.holderIdentity) of kube-controller-manager and
// kube-scheduler is "<hostname>_<uuid>" (k8s.io/client-go leaderelection
// with the identity kube's components build), and a kind node's hostname
// is its node name; a holder that is a Pod's name (many operators use
// their Pod name) resolves to that Pod's node. The note says what was
// resolved, for the timeline.
func leaderNode(ctx context.Context, env Env, ref string) (clusters.Node, string, error) {
	ns, name, errs := clusters.LeaseRef(field.NewPath("target", "node"), strings.TrimPrefix(ref, LeaderPrefix))
	if errs != nil {
		return nil, "", errs.ToAggregate()
	}
	if env.Client == nil {
		return nil, "", fmt.Errorf("node %s: no client to read the Lease with", ref)
	}
	l, err := env.Client.CoordinationV1().Leases(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, "", fmt.Errorf("node %s: read Lease %s/%s: %w", ref, ns, name, err)
	}
	holder := ""
	if l.Spec.HolderIdentity != nil {
		holder = *l.Spec.HolderIdentity
	}
	if holder == "" {
		return nil, "", fmt.Errorf("node %s: Lease %s/%s has no holder now (no leader to hit)", ref, ns, name)
	}
	host, _, _ := strings.Cut(holder, "_")
	for _, cand := range []string{host, holder} {
		if n := env.Cluster.Node(cand); n != nil {
			return n, fmt.Sprintf("%s is %s (holder %s)", ref, n.Name(), holder), nil
		}
	}
	pod, err := env.Client.CoreV1().Pods(ns).Get(ctx, host, metav1.GetOptions{})
	switch {
	case err == nil && env.Cluster.Node(pod.Spec.NodeName) != nil:
		return env.Cluster.Node(pod.Spec.NodeName), fmt.Sprintf("%s is %s (holder %s, Pod %s/%s)", ref, pod.Spec.NodeName, holder, ns, host), nil
	case err != nil && !apierrors.IsNotFound(err):
		return nil, "", fmt.Errorf("node %s: read Pod %s/%s: %w", ref, ns, host, err)
	}
	return nil, "", fmt.Errorf("node %s: holder %q of Lease %s/%s names no node of cluster %s and no Pod of namespace %s",
		ref, holder, ns, name, env.Cluster.Name, ns)
}
