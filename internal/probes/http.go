package probes

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/timeline"
)

// URL is the address the data-plane probe asks: the probe's NodePort on
// the InternalIP of its node (a node name or role; the first control-plane
// node when empty).
func URL(ctx context.Context, client kubernetes.Interface, c *clusters.Cluster, p assertions.HTTPProbe) (string, error) {
	nodes, err := faults.Target{Node: p.Node}.Nodes(c, "control-plane")
	if err != nil {
		return "", err
	}
	n, err := client.CoreV1().Nodes().Get(ctx, nodes[0].Name(), metav1.GetOptions{})
	if err != nil {
		return "", fmt.Errorf("node %s: %w", nodes[0].Name(), err)
	}
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return "http://" + net.JoinHostPort(a.Address, strconv.Itoa(p.NodePort)) + p.Path, nil
		}
	}
	return "", fmt.Errorf("node %s has no InternalIP", n.Name)
}

// HTTP asks url every interval and records each answer (a 2xx status is
// available; anything else, or no answer within the interval or 1s, is not)
// on the timeline as probe name, until ctx ends.
func HTTP(ctx context.Context, tl *timeline.Recorder, name, url string, every time.Duration) {
	client := &http.Client{Timeout: max(every, time.Second)}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		res := timeline.HTTP{Probe: name, URL: url}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			res.Error = err.Error()
		default:
			_ = resp.Body.Close()
			res.OK = resp.StatusCode/100 == 2
			if !res.OK {
				res.Error = resp.Status
			}
		}
		tl.Add(timeline.Event{Type: timeline.HTTPProbed, HTTP: &res})
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
