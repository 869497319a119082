package assertions

import (
	"net/url"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// HTTPAvailableParams are the parameters of httpAvailable.
type HTTPAvailableParams struct {
	URL      string  `yaml:"url" doc:"the URL to GET (http or https, certificate not verified): any address, e.g. a LoadBalancer IP or VIP on the cluster's network, a Pod IP, a ClusterIP (or nodePort)"`
	NodePort int     `yaml:"nodePort" doc:"instead of url: the NodePort of a Service, on the InternalIP of node"`
	Node     string  `yaml:"node" doc:"with nodePort: the node whose address is probed, a name or role (default control-plane)"`
	Path     string  `yaml:"path" doc:"with nodePort: the HTTP path (default /)"`
	Via      *Sender `yaml:"via" doc:"where the probe is sent from: node (name or role), or namespace + selector (a Pod's network namespace); default the host"`
	Min      float64 `yaml:"min" doc:"minimum availability in percent over the window (default 99, or 100 with during)"`
	Interval string  `yaml:"interval" doc:"time between probes (default 250ms from the host, 1s from a node or Pod, at least 10ms and 500ms)"`
}

// HTTPProbe is a data-plane probe sent every Interval from the start of
// the observation: GET URL (or http://<node>:<NodePort><Path>) from
// Sender, which counts as available when it answers 2xx within
// max(Interval, 1s).
type HTTPProbe struct {
	URL      string
	Node     string
	NodePort int
	Path     string
	Sender   Sender
	Interval time.Duration
}

var httpAvailableSpec = Spec{
	Type: "httpAvailable",
	Doc: "a URL (or a NodePort) probed from the host, a node or a Pod's network namespace answers 2xx for at least min percent " +
		"of the probes in the window (moment to moment + within, or the `during` window)",
	Invariant: true,
	NewParams: func() any { return &HTTPAvailableParams{} },
	New:       newHTTPAvailable,
}

func newHTTPAvailable(c Common, params any) (Assertion, field.ErrorList) {
	p := *params.(*HTTPAvailableParams)
	path := field.NewPath("params")
	probe := HTTPProbe{URL: p.URL, Node: p.Node, NodePort: p.NodePort, Path: p.Path}
	var errs field.ErrorList
	switch {
	case p.URL != "" && (p.NodePort != 0 || p.Node != "" || p.Path != ""):
		errs = append(errs, field.Invalid(path.Child("url"), p.URL, "set either url or nodePort (with node and path), not both"))
	case p.URL != "":
		if u, err := url.Parse(p.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(p.URL, " \t\n") {
			errs = append(errs, field.Invalid(path.Child("url"), p.URL, "not a URL: want http(s)://HOST[:PORT]/PATH"))
		}
	case p.NodePort < 1 || p.NodePort > 65535:
		errs = append(errs, field.Invalid(path.Child("nodePort"), p.NodePort, "not a port; expected url, or the NodePort of a Service (30000-32767)"))
	default:
		errs = append(errs, clusters.ValidateNode(path.Child("node"), p.Node)...)
		if probe.Node == "" {
			probe.Node = clusters.RoleControlPlane
		}
		if !strings.HasPrefix(probe.Path, "/") {
			probe.Path = "/" + probe.Path
		}
	}
	def, lowest := 250*time.Millisecond, 10*time.Millisecond
	if p.Via != nil {
		probe.Sender = *p.Via
		errs = append(errs, p.Via.validate(path.Child("via"), true)...)
		if !p.Via.IsHost() {
			def, lowest = time.Second, 500*time.Millisecond
		}
	}
	min, merrs := minPercent(path.Child("min"), c, p.Min)
	interval, ierrs := probeInterval(path.Child("interval"), p.Interval, def, lowest)
	if errs = append(append(errs, merrs...), ierrs...); len(errs) > 0 {
		return nil, errs
	}
	probe.Interval = interval
	a := &httpAvailable{probe: probe}
	a.j = availabilityJudge{c: c, min: min, what: "data plane", answers: a.answers}
	return a, nil
}

type httpAvailable struct {
	probe HTTPProbe
	j     availabilityJudge
}

// Probe asks for the data-plane HTTP probe.
func (a *httpAvailable) Probe() Probe { p := a.probe; return Probe{HTTP: &p} }

func (a *httpAvailable) Evaluate(v *timeline.View) Verdict { return a.j.judge(v) }

func (a *httpAvailable) answers(v *timeline.View, from, to time.Duration) []answer {
	var out []answer
	for _, e := range v.ProbeEvents(timeline.HTTPProbed, a.j.c.Name, from, to) {
		target := e.HTTP.URL
		if e.HTTP.Sender != "" {
			target += " from " + e.HTTP.Sender
		}
		out = append(out, answer{at: e.At, ok: e.HTTP.OK, target: target, err: e.HTTP.Error})
	}
	return out
}
