// Package trigger holds what starts a fault on an event instead of at a time
// offset: a run moment (such as another fault starting or ending), a Lease
// acquired or lost, a Pod condition changing, a Kubernetes Event, or a log
// line of a container. Each trigger type lives in its own file behind the
// Trigger interface and is listed in Registry.
//
// Triggers watch (informers, log streams), they do not poll, so that the
// delay from the event to the injection stays short; the runner records that
// delay in the timeline.
package trigger

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/scenarios/catalog"
	"github.com/harness-dev/harness/timeline"
)

// Env is what a trigger watches.
type Env struct {
	Client kubernetes.Interface
	// Timeline holds the run's moments, for the moment trigger.
	Timeline *timeline.Timeline
	// Armed, when set, is called once the trigger watches: events from
	// then on fire it.
	Armed func()
}

func (e Env) armed() {
	if e.Armed != nil {
		e.Armed()
	}
}

// Fired says what fired a trigger and when.
type Fired struct {
	// Observed is when the harness saw the event (with a monotonic reading).
	Observed time.Time
	// Occurred is when the cluster says the event happened (a Lease's
	// acquireTime, a log line's timestamp, ...); zero when unknown. It is
	// wall-clock time of the same host.
	Occurred time.Time
	// What describes the event, for people.
	What string
}

// Trigger waits for its event.
type Trigger interface {
	// Wait starts watching and returns when the event happens after the
	// call, or with ctx's error.
	Wait(ctx context.Context, env Env) (Fired, error)
}

// Spec describes one trigger type for the registry.
type Spec struct {
	Type string
	Doc  string
	// NewParams returns a pointer to a zero parameter struct.
	NewParams func() any
	// New builds the trigger; errors name their field (params.x) for the
	// decoder to point at.
	New func(params any) (Trigger, field.ErrorList)
}

// Registry lists every trigger type, in the order `harness list` shows.
func Registry() []Spec {
	return []Spec{momentSpec, leaseSpec, podConditionSpec, eventSpec, logLineSpec}
}

// TypeName names the spec in the registry.
func (s Spec) TypeName() string { return s.Type }

// Lookup returns the spec of a trigger type.
func Lookup(typ string) (Spec, bool) { return catalog.Lookup(Registry(), typ) }

// Types returns the names of all trigger types, for error messages.
func Types() []string { return catalog.Names(Registry()) }

// fired builds a Fired observed now.
func fired(occurred time.Time, what string) Fired {
	return Fired{Observed: time.Now(), Occurred: occurred, What: what}
}
