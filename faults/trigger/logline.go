package trigger

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
)

// LogLineParams are the parameters of the logLine trigger.
type LogLineParams struct {
	clusters.Workload `yaml:",inline"`
	Container         string `yaml:"container" doc:"container name (default: the first)"`
	Regex             string `yaml:"regex" doc:"regular expression (Go syntax) a log line must match"`
}

var logLineSpec = Spec{
	Type:      "logLine",
	Doc:       "a container of the chosen Pods writes a log line matching a regular expression (containers that start later are followed too)",
	NewParams: func() any { return &LogLineParams{} },
	New:       newLogLine,
}

func newLogLine(params any) (Trigger, field.ErrorList) {
	p := *params.(*LogLineParams)
	path := field.NewPath("params")
	if errs := p.Workload.Validate(path, true); errs != nil {
		return nil, errs
	}
	if p.Component != "" {
		p.Namespace, p.Selector = "kube-system", "component="+p.Component
	}
	re, err := regexp.Compile(p.Regex)
	if err != nil || p.Regex == "" {
		return nil, field.ErrorList{field.Invalid(path.Child("regex"), p.Regex, fmt.Sprintf("not a regular expression (Go syntax): %v", err))}
	}
	return &logLine{p: p, re: re}, nil
}

type logLine struct {
	p  LogLineParams
	re *regexp.Regexp
}

// Wait follows the logs of every running container of the chosen Pods,
// from the moment of arming; containers that start later are followed as
// they start (FollowLogs).
func (t *logLine) Wait(ctx context.Context, env Env) (Fired, error) {
	armed := time.Now()
	var f Fired
	err := FollowLogs(ctx, env, Logs{Namespace: t.p.Namespace, Selector: t.p.Selector, Container: t.p.Container, Since: armed},
		func(l Line) bool {
			if !t.re.MatchString(l.Text) {
				return true
			}
			f = fired(l.Time, fmt.Sprintf("log line of %s/%s %s: %s", l.Namespace, l.Pod, l.Container, l.Text))
			return false
		})
	if err != nil {
		return Fired{}, err
	}
	return f, nil
}
