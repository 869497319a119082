package assertions

import (
	"fmt"
	"strings"
	"time"

	"github.com/harness-dev/harness/internal/timeline"
)

// HTTPAvailableParams are the parameters of httpAvailable.
type HTTPAvailableParams struct {
	Node     string  `yaml:"node" doc:"node whose address is probed: a node name or role (default control-plane)"`
	NodePort int     `yaml:"nodePort" doc:"the NodePort of the data plane's Service"`
	Path     string  `yaml:"path" doc:"HTTP path (default /)"`
	Min      float64 `yaml:"min" doc:"minimum availability in percent over the window (default 99)"`
	Interval string  `yaml:"interval" doc:"time between probes (default 250ms)"`
}

// HTTPProbe is a data-plane probe the runner sends every Interval from the
// start of the observation: GET http://<node>:<NodePort><Path>, which counts
// as available when it answers 2xx within Interval (at least 1s).
type HTTPProbe struct {
	Node     string
	NodePort int
	Path     string
	Interval time.Duration
}

// HTTPProber is implemented by assertions that need an HTTP probe.
type HTTPProber interface {
	HTTPProbe() HTTPProbe
}

var httpAvailableSpec = Spec{
	Type:      "httpAvailable",
	Doc:       "a data plane (HTTP on a NodePort) answers at least min percent of the probes sent in the window from the moment to moment + within",
	NewParams: func() any { return &HTTPAvailableParams{} },
	New: func(c Common, params any) (Assertion, error) {
		p := *params.(*HTTPAvailableParams)
		if p.NodePort < 1 || p.NodePort > 65535 {
			return nil, fmt.Errorf("params.nodePort: %d is not a port; expected the NodePort of the data plane's Service (30000-32767)", p.NodePort)
		}
		if p.Min == 0 {
			p.Min = 99
		}
		if p.Min < 0 || p.Min > 100 {
			return nil, fmt.Errorf("params.min: %v is not a percentage (0-100]", p.Min)
		}
		probe := HTTPProbe{Node: p.Node, NodePort: p.NodePort, Path: p.Path, Interval: 250 * time.Millisecond}
		if probe.Node == "" {
			probe.Node = "control-plane"
		}
		if !strings.HasPrefix(probe.Path, "/") {
			probe.Path = "/" + probe.Path
		}
		if p.Interval != "" {
			d, err := time.ParseDuration(p.Interval)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("params.interval: %q is not a duration such as 250ms", p.Interval)
			}
			probe.Interval = d
		}
		return &httpAvailable{c: c, min: p.Min, probe: probe}, nil
	},
}

type httpAvailable struct {
	c     Common
	min   float64
	probe HTTPProbe
}

func (a *httpAvailable) HTTPProbe() HTTPProbe { return a.probe }

func (a *httpAvailable) Evaluate(events []timeline.Event, now time.Duration) Verdict {
	w, v, ended := endedWindow(a.c, events, now)
	if !ended {
		return v
	}
	var sent, answered int
	var url, lastErr string
	var firstFail time.Duration = -1
	for _, e := range events {
		if e.Type != timeline.HTTPProbed || e.HTTP.Probe != a.c.Name || e.At < w.from || e.At > w.deadline {
			continue
		}
		sent++
		url = e.HTTP.URL
		if e.HTTP.OK {
			answered++
		} else {
			lastErr = e.HTTP.Error
			if firstFail < 0 {
				firstFail = e.At - w.from
			}
		}
	}
	if sent == 0 {
		return failed(a.c, "no data-plane probe was sent in the %s after %s (port %d); the harness could not probe it", a.c.Within, a.c.From, a.probe.NodePort)
	}
	pct := 100 * float64(answered) / float64(sent)
	if pct < a.min {
		return failed(a.c, "data plane %s available %.1f%% of %d probes in the %s after %s (SLO at least %.1f%%); first unanswered %s after %s: %s",
			url, pct, sent, a.c.Within, a.c.From, a.min, secs(firstFail), a.c.From, lastErr)
	}
	return Verdict{Status: Passed, SLO: a.c.Within, Message: fmt.Sprintf("data plane %s available %.1f%% of %d probes in the %s after %s (SLO at least %.1f%%)",
		url, pct, sent, a.c.Within, a.c.From, a.min)}
}
