package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// scraper fetches one metric source once.
type scraper func(ctx context.Context) (source string, samples []timeline.Sample, err error)

// Metrics scrapes every p.Interval until ctx ends and records each scrape
// (the matching samples, or the error) on the timeline as probe name.
func Metrics(ctx context.Context, tl *timeline.Timeline, name string, p assertions.MetricProbe, scrape scraper) {
	loop(ctx, p.Interval, func() {
		cctx, cancel := context.WithTimeout(ctx, max(p.Interval, 5*time.Second))
		source, samples, err := scrape(cctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		m := timeline.Metric{Probe: name, Source: source, Samples: samples}
		if err != nil {
			m.Error = err.Error()
		}
		tl.Add(timeline.Event{Type: timeline.MetricScraped, Metric: &m})
	})
}

// componentScraper scrapes a control-plane component's metrics endpoint
// from inside its node with curl, the bearer token on curl's standard
// input (never in its arguments).
func componentScraper(env Env, p assertions.MetricProbe, token *tokenSource) (scraper, error) {
	ep := assertions.ComponentEndpoints[p.Component]
	nodes, err := env.Cluster.Select(p.Node, clusters.RoleControlPlane)
	if err != nil {
		return nil, err
	}
	node := nodes[0]
	u := fmt.Sprintf("%s://127.0.0.1:%d/metrics", ep.Scheme, ep.Port)
	source := fmt.Sprintf("%s %s in node %s", p.Component, u, node.Name())
	return func(ctx context.Context) (string, []timeline.Sample, error) {
		argv := []string{"curl", "-sS", "-k", "--fail-with-body", "--max-time", "5", u}
		var stdin io.Reader
		if ep.Scheme == "https" {
			tok, err := token.get(ctx)
			if err != nil {
				return source, nil, err
			}
			argv = append(argv[:len(argv)-1], "-H", "@-", u)
			stdin = strings.NewReader("Authorization: Bearer " + tok + "\n")
		}
		out, err := place{node: node}.run(ctx, stdin, argv...)
		if err != nil {
			return source, nil, fmt.Errorf("%s", lastLine(err.Error()))
		}
		samples, err := parseExposition(out, p, nil)
		return source, samples, err
	}, nil
}

// podScraper scrapes every Running Pod of p.Pod on its IP from inside its
// node; each sample gets the label pod (its Pod's name) unless it has one.
func podScraper(env Env, p assertions.MetricProbe) scraper {
	pp := *p.Pod
	ns, sel := pp.Workload.PodSelector()
	scheme, path := pp.Scheme, pp.Path
	if scheme == "" {
		scheme = "http"
	}
	if path == "" {
		path = "/metrics"
	}
	source := fmt.Sprintf("%s port %d%s", pp.Workload, pp.Port, path)
	return func(ctx context.Context) (string, []timeline.Sample, error) {
		pods, err := env.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
		if err != nil {
			return source, nil, fmt.Errorf("list the Pods to scrape: %w", err)
		}
		var all []timeline.Sample
		scraped := 0
		for _, pod := range pods.Items {
			node := env.Cluster.Node(pod.Spec.NodeName)
			if pod.Status.Phase != corev1.PodRunning || pod.Status.PodIP == "" || node == nil {
				continue
			}
			u := (&url.URL{Scheme: scheme, Host: hostPort(pod.Status.PodIP, pp.Port), Path: path}).String()
			out, err := place{node: node}.run(ctx, nil, "curl", "-sS", "-g", "-k", "--fail-with-body", "--max-time", "5", u)
			if err != nil {
				return source, nil, fmt.Errorf("pod %s: %s", pod.Name, lastLine(err.Error()))
			}
			samples, err := parseExposition(out, p, map[string]string{"pod": pod.Name})
			if err != nil {
				return source, nil, fmt.Errorf("pod %s: %w", pod.Name, err)
			}
			all, scraped = append(all, samples...), scraped+1
		}
		if scraped == 0 {
			return source, nil, fmt.Errorf("no Running Pod of %s to scrape", pp.Workload)
		}
		return source, all, nil
	}
}

func hostPort(ip string, port int) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]:" + strconv.Itoa(port)
	}
	return ip + ":" + strconv.Itoa(port)
}

// parseExposition parses the Prometheus text format with the Prometheus
// project's parser and returns the finite samples of p.Metric that match.
func parseExposition(data []byte, p assertions.MetricProbe, extra map[string]string) ([]timeline.Sample, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(string(data)))
	if err != nil {
		return nil, fmt.Errorf("not Prometheus text format: %w", err)
	}
	fam := fams[familyOf(p.Metric, fams)]
	if fam == nil {
		return nil, nil // no such metric (yet): no series
	}
	vec, err := expfmt.ExtractSamples(&expfmt.DecodeOptions{Timestamp: model.Now()}, fam)
	if err != nil {
		return nil, err
	}
	return matching(vec, p, extra), nil
}

// familyOf returns the family a sample name belongs to (a histogram's
// NAME_bucket belongs to NAME).
func familyOf(name string, fams map[string]*dto.MetricFamily) string {
	if _, ok := fams[name]; ok {
		return name
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok {
			if _, ok := fams[base]; ok {
				return base
			}
		}
	}
	return name
}

// matching keeps the finite samples of p.Metric whose labels match.
func matching(vec model.Vector, p assertions.MetricProbe, extra map[string]string) []timeline.Sample {
	var out []timeline.Sample
	for _, s := range vec {
		if p.Metric != "" && string(s.Metric[model.MetricNameLabel]) != p.Metric {
			continue
		}
		labels := map[string]string{}
		for k, v := range s.Metric {
			if k != model.MetricNameLabel {
				labels[string(k)] = string(v)
			}
		}
		for k, v := range extra {
			if _, ok := labels[k]; !ok {
				labels[k] = v
			}
		}
		v := float64(s.Value)
		if math.IsNaN(v) || math.IsInf(v, 0) || (p.Match != nil && !p.Match(labels)) {
			continue
		}
		out = append(out, timeline.Sample{Labels: labels, Value: v})
	}
	return out
}

// prometheusScraper asks a Prometheus server's query API from the host.
func prometheusScraper(p assertions.MetricProbe) scraper {
	u := strings.TrimSuffix(p.PrometheusURL, "/") + "/api/v1/query?" + url.Values{"query": {p.Query}}.Encode()
	client := &http.Client{Timeout: 10 * time.Second}
	source := fmt.Sprintf("%s query %s", p.PrometheusURL, p.Query)
	return func(ctx context.Context) (string, []timeline.Sample, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		resp, err := client.Do(req)
		if err != nil {
			return source, nil, err
		}
		defer resp.Body.Close()
		var body struct {
			Status string `json:"status"`
			Error  string `json:"error"`
			Data   struct {
				ResultType string          `json:"resultType"`
				Result     json.RawMessage `json:"result"`
			} `json:"data"`
		}
		if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&body); err != nil {
			return source, nil, fmt.Errorf("HTTP %s, not a Prometheus query answer: %w", resp.Status, err)
		}
		if body.Status != "success" {
			return source, nil, fmt.Errorf("query failed: %s", body.Error)
		}
		switch body.Data.ResultType {
		case "vector":
			var vec model.Vector
			if err := json.Unmarshal(body.Data.Result, &vec); err != nil {
				return source, nil, err
			}
			return source, matching(vec, p, nil), nil
		case "scalar":
			var sc model.Scalar
			if err := json.Unmarshal(body.Data.Result, &sc); err != nil {
				return source, nil, err
			}
			return source, matching(model.Vector{{Value: sc.Value}}, p, nil), nil
		}
		return source, nil, fmt.Errorf("the query gives a %s; expected an instant vector or a scalar", body.Data.ResultType)
	}
}
