package probes

import (
	"context"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults/trigger"
	"github.com/harness-dev/harness/timeline"
)

// Logs follows the logs of the probe's Pods (the log streaming of the
// logLine trigger, trigger.FollowLogs) from since until ctx ends, and
// records every line that matches as a LogMatched event of probe name.
func Logs(ctx context.Context, env Env, name string, p assertions.LogProbe, since time.Time) {
	ns, sel := p.Workload.PodSelector()
	for ctx.Err() == nil {
		err := trigger.FollowLogs(ctx, trigger.Env{Client: env.Client, Timeline: env.Timeline},
			trigger.Logs{Namespace: ns, Selector: sel.String(), Container: p.Container, Since: since},
			func(l trigger.Line) bool {
				if p.Regex.MatchString(l.Text) {
					env.Timeline.Add(timeline.Event{Type: timeline.LogMatched, Log: &timeline.LogLine{Probe: name,
						Namespace: l.Namespace, Pod: l.Pod, Container: l.Container, Time: l.Time, Line: l.Text}})
				}
				return true
			})
		if err != nil && ctx.Err() == nil {
			env.Log.Warn("log probe stopped, restarting", "assertion", name, "err", err)
		}
	}
}
