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

	"github.com/harness-dev/harness/clusters"
)

// The pod network needs no image: every node gets a ptp + host-local CNI
// config for the pod CIDR the controller-manager allocated to it, and a route
// to every other node's pod CIDR through that node's address on the kind
// Docker network. (kind's default CNI, kindnetd, is an image we cannot pull.)

const cniConfigPath = "/etc/cni/net.d/10-harness-ptp.conflist"

func cniConfig(podCIDR string) string {
	return fmt.Sprintf(`{
  "cniVersion": "0.4.0",
  "name": "harness-ptp",
  "plugins": [
    {"type": "ptp", "ipMasq": false, "mtu": 1500,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": %q}]], "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
`, podCIDR)
}

type nodeNet struct {
	name, ip, podCIDR string
}

// setupPodNetwork waits for each node's pod CIDR, writes its CNI config and
// a boot script that routes it to the others' pod CIDRs and masquerades Pod
// traffic, installs that script as a systemd unit (so a rebooted node
// container gets its routes back, as kindnetd would re-add them) and runs it.
func setupPodNetwork(ctx context.Context, client kubernetes.Interface, nodes []clusters.Node, podSubnet string) error {
	nets, err := waitPodCIDRs(ctx, client, len(nodes))
	if err != nil {
		return err
	}
	for _, n := range nodes {
		self, ok := nets[n.Name()]
		if !ok {
			return fmt.Errorf("node %s has not registered with the apiserver", n.Name())
		}
		script := fmt.Sprintf("mkdir -p /etc/cni/net.d && cat > %s", cniConfigPath)
		if _, err := n.Exec(ctx, strings.NewReader(cniConfig(self.podCIDR)), "sh", "-c", script); err != nil {
			return fmt.Errorf("write CNI config: %w", err)
		}
		install := fmt.Sprintf("mkdir -p /etc/harness && cat > %s && printf '%%s' %s > /etc/systemd/system/%s && "+
			"systemctl daemon-reload && systemctl enable %s 2>&1 && sh %s",
			networkScriptPath, shellQuoteOne(networkUnit), networkUnitName, networkUnitName, networkScriptPath)
		if _, err := n.Exec(ctx, strings.NewReader(networkScript(self, nets, podSubnet)), "sh", "-c", install); err != nil {
			return fmt.Errorf("install the pod network boot script: %w", err)
		}
	}
	return nil
}

const (
	networkScriptPath = "/etc/harness/network-up.sh"
	networkUnitName   = "harness-network.service"
	networkUnit       = `[Unit]
Description=harness pod network: routes to the other nodes' pod CIDRs and Pod masquerading
Before=kubelet.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh ` + networkScriptPath + `

[Install]
WantedBy=multi-user.target
`
)

// networkScript is the boot script of node self.
func networkScript(self nodeNet, nets map[string]nodeNet, podSubnet string) string {
	lines := []string{"# written by harness (clusters/kind/network.go)", masqueradeRule(podSubnet)}
	names := make([]string, 0, len(nets))
	for name := range nets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if other := nets[name]; other.name != self.name {
			lines = append(lines, fmt.Sprintf("ip route replace %s via %s || echo 'no route to pod CIDR %s of %s'",
				other.podCIDR, other.ip, other.podCIDR, other.name))
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func shellQuoteOne(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// masqueradeRule NATs traffic from pods to anything outside the pod subnet.
func masqueradeRule(podSubnet string) string {
	rule := fmt.Sprintf("POSTROUTING -s %s ! -d %s -m comment --comment harness-pod-masquerade -j MASQUERADE", podSubnet, podSubnet)
	return fmt.Sprintf("(iptables -t nat -C %s 2>/dev/null || iptables -t nat -A %s)", rule, rule)
}

func waitPodCIDRs(ctx context.Context, client kubernetes.Interface, want int) (map[string]nodeNet, error) {
	var nets map[string]nodeNet
	err := wait.PollUntilContextCancel(ctx, time.Second, true, func(ctx context.Context) (bool, error) {
		list, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil // the apiserver may still be starting
		}
		nets = map[string]nodeNet{}
		for _, n := range list.Items {
			if ip := internalIP(n); ip != "" && n.Spec.PodCIDR != "" {
				nets[n.Name] = nodeNet{name: n.Name, ip: ip, podCIDR: n.Spec.PodCIDR}
			}
		}
		return len(nets) >= want, nil
	})
	if err != nil {
		return nil, fmt.Errorf("waiting for %d nodes to get a pod CIDR (got %d): %w", want, len(nets), err)
	}
	return nets, nil
}

func internalIP(n corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP && !strings.Contains(a.Address, ":") {
			return a.Address
		}
	}
	return ""
}
