package kind

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/harness-dev/harness/clusters"
)

// logLines is how many lines of each node's kubelet and containerd journal
// an error about a cluster that did not become ready carries.
const logLines = 15

// nodeLogs returns the last lines of the kubelet and containerd logs of
// every node, for an error message.
func nodeLogs(ctx context.Context, nodes []clusters.Node) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var b strings.Builder
	for _, n := range nodes {
		for _, unit := range []string{"kubelet", "containerd"} {
			out, err := n.Exec(ctx, nil, "journalctl", "--no-pager", "-o", "cat", "-n", fmt.Sprint(logLines), "-u", unit)
			fmt.Fprintf(&b, "\n--- %s %s (last %d lines) ---\n", n.Name(), unit, logLines)
			if err != nil {
				fmt.Fprintf(&b, "(could not read: %v)\n", err)
				continue
			}
			b.Write(out)
		}
	}
	return b.String()
}
