package kind

import (
	"context"
	"net"
	"os/exec"
	"strings"
)

// networkSubnet is the IPv4 subnet of kind's Docker network, which Docker
// chooses per host (172.18.0.0/16 on one, 172.19.0.0/16 on the next), or "".
func networkSubnet(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "docker", "network", "inspect", "--format",
		"{{range .IPAM.Config}}{{.Subnet}} {{end}}", "--", "kind").Output()
	if err != nil {
		return ""
	}
	for _, s := range strings.Fields(string(out)) {
		if _, n, err := net.ParseCIDR(s); err == nil && n.IP.To4() != nil {
			return n.String()
		}
	}
	return ""
}
