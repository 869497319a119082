package runner

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/timeline"
)

// startHTTPProbes starts the data-plane probes of the assertions that need
// them; they record every answer in the timeline until stopHTTPProbes.
func (r *run) startHTTPProbes(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	r.stopHTTP = func() { cancel(); wg.Wait() }
	for _, e := range r.sc.Assertions {
		p, ok := e.Assertion.(assertions.HTTPProber)
		if !ok {
			continue
		}
		probe := p.HTTPProbe()
		ip, err := r.nodeIP(ctx, probe.Node)
		if err != nil {
			return fmt.Errorf("assertion %s: %w", e.Name, err)
		}
		url := "http://" + net.JoinHostPort(ip, strconv.Itoa(probe.NodePort)) + probe.Path
		r.pr.step("probing data plane %s every %s for %s", url, probe.Interval, e.Name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.httpProbe(ctx, e.Name, url, probe.Interval)
		}()
	}
	return nil
}

func (r *run) stopHTTPProbes() {
	if r.stopHTTP != nil {
		r.stopHTTP()
	}
}

// nodeIP returns the InternalIP of the node named by name or role.
func (r *run) nodeIP(ctx context.Context, name string) (string, error) {
	nodes, err := faults.Target{Node: name}.Nodes(r.env.Cluster, "control-plane")
	if err != nil {
		return "", err
	}
	n, err := r.client().CoreV1().Nodes().Get(ctx, nodes[0].Name(), metav1.GetOptions{})
	if err != nil {
		return "", fmt.Errorf("node %s: %w", nodes[0].Name(), err)
	}
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address, nil
		}
	}
	return "", fmt.Errorf("node %s has no InternalIP", n.Name)
}

func (r *run) httpProbe(ctx context.Context, name, url string, every time.Duration) {
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
		r.tl.Add(timeline.Event{Type: timeline.HTTPProbed, HTTP: &res})
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
