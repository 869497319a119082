package trigger

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
)

// EventParams are the parameters of the event trigger.
type EventParams struct {
	Reason    string `yaml:"reason" doc:"the Event reason, e.g. BackOff, Killing, LeaderElection"`
	Namespace string `yaml:"namespace" doc:"namespace of the Events (default: all)"`
	Object    string `yaml:"object" doc:"only Events about this object, as Kind/name or a name prefix (optional)"`
}

var eventSpec = Spec{
	Type:      "event",
	Doc:       "a Kubernetes Event with a reason is recorded (created, or repeated) after arming",
	NewParams: func() any { return &EventParams{} },
	New: func(params any) (Trigger, field.ErrorList) {
		p := *params.(*EventParams)
		if p.Reason == "" {
			return nil, field.ErrorList{field.Required(field.NewPath("params", "reason"), "an Event reason such as BackOff")}
		}
		if p.Namespace != "" {
			if errs := clusters.ValidateNamespace(field.NewPath("params", "namespace"), p.Namespace); errs != nil {
				return nil, errs
			}
		}
		return &event{p: p}, nil
	},
}

type event struct{ p EventParams }

func (t *event) Wait(ctx context.Context, env Env) (Fired, error) {
	events := env.Client.CoreV1().Events(t.p.Namespace)
	lw := listWatch(env.Client, fields.OneTermEqualSelector("reason", t.p.Reason).String(), "", events.List, events.Watch)
	return watchUntil(ctx, env, lw, &corev1.Event{}, t.match, nil)
}

// match fires for an Event created after arming, or an older one repeated
// (its count grew).
func (t *event) match(c change) (Fired, bool) {
	if c.initial || c.cur == nil {
		return Fired{}, false
	}
	e := c.cur.(*corev1.Event)
	if e.Reason != t.p.Reason || !t.about(e) {
		return Fired{}, false
	}
	if old, ok := c.old.(*corev1.Event); ok && old.Count >= e.Count && e.Series == nil {
		return Fired{}, false
	}
	obj := e.InvolvedObject.Kind + "/" + e.InvolvedObject.Name
	return fired(eventTime(e), fmt.Sprintf("event %s on %s/%s: %s", e.Reason, e.Namespace, obj, e.Message)), true
}

func (t *event) about(e *corev1.Event) bool {
	o := t.p.Object
	if o == "" {
		return true
	}
	if kind, name, ok := strings.Cut(o, "/"); ok {
		return e.InvolvedObject.Kind == kind && e.InvolvedObject.Name == name
	}
	return strings.HasPrefix(e.InvolvedObject.Name, o)
}

// eventTime is the latest time the Event says it happened.
func eventTime(e *corev1.Event) time.Time {
	t := e.EventTime.Time
	if e.Series != nil && e.Series.LastObservedTime.After(t) {
		t = e.Series.LastObservedTime.Time
	}
	if e.LastTimestamp.After(t) {
		t = e.LastTimestamp.Time
	}
	return t
}
