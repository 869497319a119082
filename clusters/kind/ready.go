package kind

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/clusters"
)

// waitReady waits until the new cluster is settled (clusters.Unsettled:
// every node Ready, every kube-system Pod Ready, the leader Leases held).
// On timeout the error lists what was not.
func waitReady(ctx context.Context, client kubernetes.Interface, nodes int, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var why []string
	err := wait.PollUntilContextCancel(ctx, time.Second, true, func(ctx context.Context) (bool, error) {
		why = clusters.Unsettled(ctx, client, nodes, time.Time{})
		return len(why) == 0, nil
	})
	if err != nil {
		return fmt.Errorf("cluster not ready within %s: not Ready: %s", timeout, strings.Join(why, ", "))
	}
	return nil
}
