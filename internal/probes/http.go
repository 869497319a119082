package probes

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// URL is the address the data-plane probe asks: its URL, or its NodePort
// on the InternalIP of its node (a node name or role; the first
// control-plane node when empty).
func URL(ctx context.Context, client kubernetes.Interface, c *clusters.Cluster, p assertions.HTTPProbe) (string, error) {
	if p.URL != "" {
		return p.URL, nil
	}
	nodes, err := c.Select(p.Node, clusters.RoleControlPlane)
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

// HTTP asks url every interval from the host and records each answer (a
// 2xx status is available; anything else, or no answer within the
// interval or 1s, is not) on the timeline as probe name, until ctx ends.
func HTTP(ctx context.Context, tl *timeline.Timeline, name, url string, every time.Duration) {
	client := &http.Client{Timeout: max(every, time.Second), Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // a probe of availability, not of identity
		DisableKeepAlives: true,                                  // every probe resolves and connects afresh, as a new client would
	}}
	loop(ctx, every, func() {
		res := timeline.HTTP{Probe: name, URL: url, Sender: "host"}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			res.Error = err.Error()
		default:
			_ = resp.Body.Close()
			res.Status = resp.StatusCode
			res.OK = resp.StatusCode/100 == 2
			if !res.OK {
				res.Error = resp.Status
			}
		}
		tl.Add(timeline.Event{Type: timeline.HTTPProbed, HTTP: &res})
	})
}

// HTTPFrom asks url every interval from inside a node or a Pod's network
// namespace (curl in the node, the URL as an argument) and records each
// answer as HTTP does.
func HTTPFrom(ctx context.Context, tl *timeline.Timeline, name, url string, sd *sender, every time.Duration) {
	timeout := max(every, time.Second)
	loop(ctx, every, func() {
		res := httpFrom(ctx, sd, url, timeout)
		if ctx.Err() != nil {
			return
		}
		res.Probe = name
		tl.Add(timeline.Event{Type: timeline.HTTPProbed, HTTP: &res})
	})
}

func httpFrom(ctx context.Context, sd *sender, url string, timeout time.Duration) timeline.HTTP {
	res := timeline.HTTP{URL: url}
	p, err := sd.place(ctx, false)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Sender = p.desc
	cctx, cancel := context.WithTimeout(ctx, timeout+5*time.Second)
	defer cancel()
	secs := strconv.FormatFloat(timeout.Seconds(), 'f', 3, 64)
	// -g: no URL globbing; -k: availability, not identity; the URL is
	// validated to start with http:// or https://, so it is no option.
	out, err := p.run(cctx, nil, "curl", "-sS", "-g", "-k", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", secs, url)
	if err != nil {
		if strings.Contains(err.Error(), "has no running task") {
			_, _ = sd.place(ctx, true)
		}
		res.Error = lastLine(err.Error())
		return res
	}
	res.Status, _ = strconv.Atoi(strings.TrimSpace(string(out)))
	res.OK = res.Status/100 == 2
	if !res.OK {
		res.Error = fmt.Sprintf("HTTP status %d", res.Status)
	}
	return res
}

// loop runs f now and then every interval until ctx ends.
func loop(ctx context.Context, every time.Duration, f func()) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		f()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// lastLine is the last non-empty line of s (a command's error with its
// output), for short messages.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return s
}
