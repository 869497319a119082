package runner

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/scenarios"
)

// clusterFacts are the built-in parameters (scenarios.BuiltinParams): the
// facts of the cluster a run got, which a manifest cannot know in advance
// (Docker chooses the node network per host).
func (r *run) clusterFacts(ctx context.Context) (map[string]string, error) {
	nodes, err := r.env.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("the cluster's facts: list nodes: %w", err)
	}
	var cp, workers []string
	for _, n := range r.env.Cluster.Nodes {
		i := slices.IndexFunc(nodes.Items, func(k corev1.Node) bool { return k.Name == n.Name() })
		if i < 0 {
			continue
		}
		ip := internalIP(nodes.Items[i])
		if n.Role() == clusters.RoleControlPlane {
			cp = append(cp, ip)
		} else {
			workers = append(workers, ip)
		}
	}
	facts := map[string]string{
		scenarios.ParamNodeSubnet:      r.env.Cluster.Subnet,
		scenarios.ParamControlPlaneIP:  first(cp),
		scenarios.ParamControlPlaneIPs: strings.Join(cp, ","),
		scenarios.ParamWorkerIPs:       strings.Join(workers, ","),
	}
	free, err := freeAddress(r.env.Cluster.Subnet, append(cp, workers...))
	if err != nil {
		return nil, err
	}
	facts[scenarios.ParamFreeIP] = free
	return facts, nil
}

// freeAddress picks an address of subnet that no node uses, for a VIP or a
// LoadBalancer: from the top of the subnet down (Docker hands container
// addresses out from the bottom).
func freeAddress(subnet string, used []string) (string, error) {
	_, n, err := net.ParseCIDR(subnet)
	if err != nil || n.IP.To4() == nil {
		return "", fmt.Errorf("the node network's subnet %q is not known: the provider cannot give a free address", subnet)
	}
	ip := n.IP.To4()
	mask := n.Mask
	top := make(net.IP, 4)
	for i := range top {
		top[i] = ip[i] | ^mask[i]
	}
	for k := 2; k < 64; k++ { // the broadcast address is top itself
		cand := make(net.IP, 4)
		copy(cand, top)
		v := uint32(cand[0])<<24 | uint32(cand[1])<<16 | uint32(cand[2])<<8 | uint32(cand[3])
		v -= uint32(k - 1)
		cand = net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v)).To4()
		if n.Contains(cand) && !slices.Contains(used, cand.String()) {
			return cand.String(), nil
		}
	}
	return "", fmt.Errorf("no free address at the top of %s", subnet)
}

func internalIP(n corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP && !strings.Contains(a.Address, ":") {
			return a.Address
		}
	}
	return ""
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
