package assertions

import (
	"fmt"
	"regexp"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// LogLineParams are the parameters of logLine.
type LogLineParams struct {
	clusters.Workload `yaml:",inline"`
	Container         string `yaml:"container" doc:"container name (default: the Pod's first)"`
	Regex             string `yaml:"regex" doc:"regular expression (Go syntax) a log line must match"`
	Absent            bool   `yaml:"absent" doc:"the line must not appear in the window (default: it must appear)"`
}

// LogProbe follows the logs of the chosen Pods' container from the start
// of the observation (containers that start later are followed as they
// start; streams broken by an apiserver outage are reopened from the last
// line seen) and records every line that matches Regex.
type LogProbe struct {
	clusters.Workload
	Container string
	Regex     *regexp.Regexp
}

// logSettle is how long after its window (or after the apiserver answers
// again, when it did not at the end of the window) logLine waits for lines
// written in the window: log streams go through the apiserver.
const logSettle = 5 * time.Second

var logLineSpec = Spec{
	Type: "logLine",
	Doc: "a log line matching a regex appears (or, with absent, never appears) in a component's or Pods' logs in the window " +
		"(moment to moment + within, or the `during` window)",
	Invariant: true,
	NewParams: func() any { return &LogLineParams{} },
	New: func(c Common, params any) (Assertion, field.ErrorList) {
		p := params.(*LogLineParams)
		path := field.NewPath("params")
		errs := p.Workload.Validate(path, true)
		re, err := regexp.Compile(p.Regex)
		if err != nil || p.Regex == "" {
			errs = append(errs, field.Invalid(path.Child("regex"), p.Regex, fmt.Sprintf("not a regular expression (Go syntax): %v", err)))
		}
		if len(errs) > 0 {
			return nil, errs
		}
		return &logLine{c: c, p: *p, probe: LogProbe{Workload: p.Workload, Container: p.Container, Regex: re}}, nil
	},
}

type logLine struct {
	c     Common
	p     LogLineParams
	probe LogProbe
}

// Probe asks for the log streams.
func (a *logLine) Probe() Probe { p := a.probe; return Probe{Log: &p} }

// Evaluate looks at the matching lines whose runtime timestamp falls in
// the window, in the order they were recorded. A line found decides at
// once; no line decides logSettle after the end of the window (after the
// apiserver answers again, when it did not then), over the lines recorded
// by that time only.
func (a *logLine) Evaluate(v *timeline.View) Verdict {
	from, ok := v.Moment(a.c.From)
	if !ok {
		return pending(a.c, "waiting for moment %s", a.c.From)
	}
	end, ended := from+a.c.Within, true
	if a.c.Invariant() {
		end, ended = v.Moment(a.c.Until)
	}
	decide := time.Duration(-1)
	if ended {
		if seen, ok := v.SeenAt(end); ok {
			decide = seen + logSettle
		}
	}
	what := fmt.Sprintf("log line matching %q of %s", a.p.Regex, a.p.Workload)
	upTo := v.Now()
	if decide >= 0 {
		upTo = min(upTo, decide)
	}
	for _, e := range v.ProbeEvents(timeline.LogMatched, a.c.Name, 0, upTo) {
		at, ok := v.OffsetOf(e.Log.Time)
		if !ok {
			at = e.At
		}
		if at < from || (ended && at > end) {
			continue
		}
		line := fmt.Sprintf("%s/%s %s: %s", e.Log.Namespace, e.Log.Pod, e.Log.Container, e.Log.Line)
		if a.p.Absent {
			return failed(a.c, "%s written %s after %s, in %s: %s", what, secs(at-from), a.c.From, a.c.window(), line)
		}
		return passed(a.c, at-from, "%s written %s after %s in %s: %s", what, secs(at-from), a.c.From, a.c.window(), line)
	}
	if decide < 0 || v.Now() < decide {
		return pending(a.c, "%s: none so far", what)
	}
	if a.p.Absent {
		return held(a.c, "no %s in %s", what, a.c.window())
	}
	return failed(a.c, "no %s in %s", what, a.c.window())
}
