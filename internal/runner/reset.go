package runner

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// Reset brings a cluster that ran a scenario back to a known state before
// the next one, and proves it: it restarts every node's kubelet, which
// forgets its crash-loop back-offs (a container killed by the last
// scenario would otherwise be restarted late in the next: the kubelet
// keeps a container's back-off for 10 minutes of clean running), then waits
// until every node is Ready, every kube-system Pod is Ready with no
// container waiting, and the controller-manager's and the scheduler's
// Leases are renewed within their duration. It returns what was not so
// within timeout.
func Reset(ctx context.Context, c *clusters.Cluster, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, n := range c.Nodes {
		if _, err := n.Exec(ctx, nil, "systemctl", "restart", "kubelet"); err != nil {
			return fmt.Errorf("restart the kubelet of node %s to clear its back-offs: %w", n.Name(), err)
		}
	}
	client, err := c.Client()
	if err != nil {
		return err
	}
	var why []string
	started := time.Now()
	err = wait.PollUntilContextCancel(ctx, time.Second, true, func(ctx context.Context) (bool, error) {
		why = clusters.Unsettled(ctx, client, len(c.Nodes), started)
		if time.Since(started) < timeline.KubeletStatusSync {
			// Pod statuses served right after the restart may still be the
			// old kubelet's: wait one status sync of the new one.
			why = append(why, "waiting one kubelet status sync after the restart")
		}
		return len(why) == 0, nil
	})
	if err != nil {
		return fmt.Errorf("cluster %s not back to a known state within %s: %s", c.Name, timeout, strings.Join(why, "; "))
	}
	return nil
}
