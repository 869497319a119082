package assertions

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// MetricParams are the parameters of metric.
type MetricParams struct {
	Component  string            `yaml:"component" doc:"control-plane component scraped on its secure port from inside its node: kube-apiserver (6443), kube-controller-manager (10257), kube-scheduler (10259), etcd (2381, http)"`
	Node       string            `yaml:"node" doc:"with component: the node (name or role; default the first control-plane node)"`
	Pod        *MetricPod        `yaml:"pod" doc:"scrape the Pods chosen by namespace + selector on a port, from inside their node"`
	Prometheus string            `yaml:"prometheus" doc:"URL of a Prometheus server, asked from the host with query (its /api/v1/query)"`
	Query      string            `yaml:"query" doc:"with prometheus: the PromQL query, e.g. sum(rate(apiserver_request_total{code=~\"5..\"}[1m]))"`
	Metric     string            `yaml:"metric" doc:"with component or pod: the metric name, e.g. workqueue_depth"`
	Labels     map[string]string `yaml:"labels" doc:"label matchers: each value an RE2 regular expression that must match the whole label value (as PromQL's =~)"`
	Aggregate  string            `yaml:"aggregate" doc:"how the matching series combine: sum (default), max, min or count"`
	Op         string            `yaml:"op" doc:"comparison of the aggregate with value: ==, !=, <, <=, >, >="`
	Value      float64           `yaml:"value" doc:"the value compared with"`
	Interval   string            `yaml:"interval" doc:"time between scrapes (default 2s, at least 500ms)"`
}

// MetricPod chooses Pods to scrape.
type MetricPod struct {
	clusters.Workload `yaml:",inline"`
	Port              int    `yaml:"port" doc:"the metrics port"`
	Path              string `yaml:"path" doc:"the metrics path (default /metrics)"`
	Scheme            string `yaml:"scheme" doc:"http (default) or https (certificate not verified)"`
}

// MetricProbe scrapes one source every Interval and records the samples
// of Metric whose labels Match (or the query's result, or the error).
type MetricProbe struct {
	// Component and Node: a control-plane component's metrics endpoint in
	// the node (ComponentEndpoints), scraped from inside it with a token of
	// a ServiceAccount bound to the ClusterRole system:monitoring.
	Component, Node string
	// Pod: every chosen Pod's endpoint, from inside its node.
	Pod *MetricPod
	// PrometheusURL and Query: a Prometheus query API, from the host.
	PrometheusURL, Query string
	Metric               string
	// Match reports whether a series of the metric (its labels, without
	// __name__) is one the assertion is about.
	Match    func(labels map[string]string) bool
	Interval time.Duration
}

// ComponentEndpoint is where a control-plane component serves its metrics
// in a kubeadm node (its --secure-port, or etcd's --listen-metrics-urls).
type ComponentEndpoint struct {
	Scheme string
	Port   int
}

// ComponentEndpoints are the metrics endpoints of the control-plane
// components, on 127.0.0.1 of their node.
var ComponentEndpoints = map[string]ComponentEndpoint{
	"kube-apiserver":          {"https", 6443},
	"kube-controller-manager": {"https", 10257},
	"kube-scheduler":          {"https", 10259},
	"etcd":                    {"http", 2381},
}

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	metricOps    = []string{"==", "!=", "<", "<=", ">", ">="}
	aggregates   = []string{"sum", "max", "min", "count"}
)

var metricSpec = Spec{
	Type: "metric",
	Doc: "a Prometheus metric (a component's secure port through its node, a Pod's port, or a Prometheus query) compares " +
		"with a value: within the SLO, or throughout the `during` window",
	Invariant: true,
	NewParams: func() any { return &MetricParams{} },
	New:       newMetric,
}

func newMetric(c Common, params any) (Assertion, field.ErrorList) {
	p := *params.(*MetricParams)
	path := field.NewPath("params")
	probe, errs := metricSource(path, p)
	if p.Aggregate == "" {
		p.Aggregate = "sum"
	}
	if !slices.Contains(aggregates, p.Aggregate) {
		errs = append(errs, field.NotSupported(path.Child("aggregate"), p.Aggregate, aggregates))
	}
	if !slices.Contains(metricOps, p.Op) {
		errs = append(errs, field.NotSupported(path.Child("op"), p.Op, metricOps))
	}
	probe.Interval = 2 * time.Second
	if p.Interval != "" {
		d, err := time.ParseDuration(p.Interval)
		if err != nil || d < 500*time.Millisecond {
			errs = append(errs, field.Invalid(path.Child("interval"), p.Interval, "expected a duration of at least 500ms, such as 2s"))
		}
		probe.Interval = d
	}
	if len(errs) > 0 {
		return nil, errs
	}
	a := &metric{c: c, p: p, probe: probe}
	a.j = stateJudge{c: c, what: a.describe(), holds: "holds", points: a.points}
	return a, nil
}

// metricSource validates the source and the series selection.
func metricSource(path *field.Path, p MetricParams) (MetricProbe, field.ErrorList) {
	var errs field.ErrorList
	n := 0
	for _, set := range []bool{p.Component != "", p.Pod != nil, p.Prometheus != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return MetricProbe{}, field.ErrorList{field.Required(path.Child("component"),
			"exactly one source: component (a control-plane component), pod (namespace, selector, port) or prometheus (a URL with query)")}
	}
	probe := MetricProbe{Component: p.Component, Node: p.Node, Pod: p.Pod, PrometheusURL: p.Prometheus, Query: p.Query, Metric: p.Metric}
	switch {
	case p.Prometheus != "":
		if u, err := url.Parse(p.Prometheus); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, field.Invalid(path.Child("prometheus"), p.Prometheus, "not a URL: want http(s)://HOST:PORT of a Prometheus server"))
		}
		if p.Query == "" {
			errs = append(errs, field.Required(path.Child("query"), "a PromQL query with prometheus"))
		}
		if p.Metric != "" || len(p.Labels) > 0 || p.Node != "" {
			errs = append(errs, field.Invalid(path.Child("metric"), p.Metric, "metric, labels and node go with component or pod; with prometheus, write them in query"))
		}
		return probe, errs
	case p.Component != "":
		if _, ok := ComponentEndpoints[p.Component]; !ok {
			errs = append(errs, field.NotSupported(path.Child("component"), p.Component, clusters.Components))
		}
		errs = append(errs, clusters.ValidateNode(path.Child("node"), p.Node)...)
	default:
		pp := path.Child("pod")
		errs = append(errs, p.Pod.Workload.Validate(pp, true)...)
		if p.Pod.Port < 1 || p.Pod.Port > 65535 {
			errs = append(errs, field.Invalid(pp.Child("port"), p.Pod.Port, "not a port (1-65535)"))
		}
		if p.Pod.Path != "" && (!strings.HasPrefix(p.Pod.Path, "/") || strings.ContainsAny(p.Pod.Path, " \t\n?#")) {
			errs = append(errs, field.Invalid(pp.Child("path"), p.Pod.Path, "not a URL path: want /metrics or similar"))
		}
		if s := p.Pod.Scheme; s != "" && s != "http" && s != "https" {
			errs = append(errs, field.NotSupported(pp.Child("scheme"), s, []string{"http", "https"}))
		}
		if p.Node != "" {
			errs = append(errs, field.Invalid(path.Child("node"), p.Node, "node goes with component; a Pod is scraped from its own node"))
		}
	}
	if p.Query != "" {
		errs = append(errs, field.Invalid(path.Child("query"), p.Query, "query goes with prometheus; with component or pod, give metric and labels"))
	}
	if !metricNameRE.MatchString(p.Metric) {
		errs = append(errs, field.Invalid(path.Child("metric"), p.Metric, "not a metric name, e.g. workqueue_depth"))
	}
	matchers := map[string]*regexp.Regexp{}
	for _, k := range sortedKeys(p.Labels) {
		re, err := regexp.Compile("^(?:" + p.Labels[k] + ")$")
		if err != nil || !metricNameRE.MatchString(k) || strings.Contains(k, ":") {
			errs = append(errs, field.Invalid(path.Child("labels").Key(k), p.Labels[k], "not a label name with an RE2 regular expression"))
			continue
		}
		matchers[k] = re
	}
	probe.Match = func(labels map[string]string) bool {
		for k, re := range matchers {
			if !re.MatchString(labels[k]) {
				return false
			}
		}
		return true
	}
	return probe, errs
}

type metric struct {
	c     Common
	p     MetricParams
	probe MetricProbe
	j     stateJudge
}

// Probe asks for the scrapes.
func (a *metric) Probe() Probe { p := a.probe; return Probe{Metric: &p} }

// Evaluate judges the scrapes (see stateJudge): a failed scrape or one
// without a matching series is unknown, neither good nor bad.
func (a *metric) Evaluate(v *timeline.View) Verdict { return a.j.judge(v) }

func (a *metric) describe() string {
	sel := a.p.Query
	if sel == "" {
		var ls []string
		for _, k := range sortedKeys(a.p.Labels) {
			ls = append(ls, fmt.Sprintf("%s=~%q", k, a.p.Labels[k]))
		}
		sel = a.p.Metric
		if len(ls) > 0 {
			sel += "{" + strings.Join(ls, ",") + "}"
		}
		src := a.p.Component
		if a.p.Pod != nil {
			src = a.p.Pod.Workload.String()
		}
		sel = fmt.Sprintf("%s(%s) of %s", a.p.Aggregate, sel, src)
	}
	return fmt.Sprintf("metric %s %s %g", sel, a.p.Op, a.p.Value)
}

func (a *metric) points(v *timeline.View, s, e time.Duration) []point {
	var out []point
	for _, ev := range v.ProbeEvents(timeline.MetricScraped, a.c.Name, s, e) {
		m := ev.Metric
		p := point{at: ev.At}
		switch {
		case m.Error != "":
			p.detail = "scrape failed: " + m.Error
		case len(m.Samples) == 0 && a.p.Aggregate != "count":
			p.detail = "no matching series in " + m.Source
		default:
			val := aggregate(a.p.Aggregate, m.Samples)
			p.state, p.detail = bad, fmt.Sprintf("value %g", val)
			if compare(val, a.p.Op, a.p.Value) {
				p.state = good
			}
		}
		out = append(out, p)
	}
	return out
}

func aggregate(how string, samples []timeline.Sample) float64 {
	if how == "count" {
		return float64(len(samples))
	}
	acc := samples[0].Value
	for _, s := range samples[1:] {
		switch how {
		case "sum":
			acc += s.Value
		case "max":
			acc = math.Max(acc, s.Value)
		case "min":
			acc = math.Min(acc, s.Value)
		}
	}
	return acc
}

func compare(a float64, op string, b float64) bool {
	switch op {
	case "==":
		return a == b
	case "!=":
		return a != b
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return false
}
