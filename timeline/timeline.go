// Package timeline is the recorded data of a run, the contract between the
// recorder, the faults, the assertions and the reports: observations of
// cluster objects, fault windows and named moments, each stamped with a
// monotonic offset from the start of the run.
//
// A Timeline is written while a run goes on (Add, Mark); a View replays it
// once per evaluation and answers the questions assertions ask (the window
// of a moment, the state of Pods as their kubelets last reported it, when
// the recorder saw the cluster again after an apiserver outage, restarts
// dated by the kubelet). Assertions are pure functions of a View, so a third
// party writes one against this package and package assertions alone.
//
// Its JSON form (one Event per line in a report's timeline.jsonl) is
// versioned with the result (reports.APIVersion).
package timeline

import (
	"context"
	"sync"
	"time"
)

// Type says what an Event records.
type Type string

// Event types.
const (
	PodObserved   Type = "pod"       // a Pod was added, updated or deleted
	LeaseObserved Type = "lease"     // a Lease was added, updated or deleted
	NodeObserved  Type = "node"      // a Node was added, updated or deleted
	KubeEvent     Type = "event"     // a Kubernetes Event was seen
	MarkReached   Type = "mark"      // a named moment (fault start/end, probe start, ...)
	OutageStarted Type = "outage"    // the apiserver stopped answering the recorder
	OutageEnded   Type = "recovered" // the apiserver answers the recorder again
	Relisted      Type = "relisted"  // the recorder listed everything again after an outage
	HTTPProbed    Type = "http"      // the runner sent a data-plane HTTP probe
	// EvidenceRecorded: what the system showed of a fault (that it took
	// effect, or what was missing), gathered at the end of its window.
	EvidenceRecorded Type = "evidence"
	// ObjectObserved: an object of a kind a scenario names (objectState,
	// reconciles) was added, updated or deleted; Object holds it.
	ObjectObserved Type = "object"
	// MetricScraped: a metric probe scraped its source; Metric holds the
	// matching samples, or the error of a failed scrape.
	MetricScraped Type = "metric"
	// DNSProbed: a DNS probe asked the cluster's DNS for a name; DNS holds
	// the answer.
	DNSProbed Type = "dns"
	// LogMatched: a log probe saw a container log line that matches its
	// regular expression; Log holds the line and the runtime's timestamp.
	LogMatched Type = "log"
)

// Event is one entry of the timeline. Exactly one of the object fields is
// set for object observations; Mark is set for MarkReached.
type Event struct {
	// At is the monotonic offset from the start of the run.
	At time.Duration `json:"at"`
	// Wall is the wall-clock time of the observation, for people.
	Wall   time.Time `json:"wall"`
	Type   Type      `json:"type"`
	Action Action    `json:"action,omitempty"` // for object observations

	Pod   *Pod     `json:"pod,omitempty"`
	Lease *Lease   `json:"lease,omitempty"`
	Node  *Node    `json:"node,omitempty"`
	Kube  *KubeEvt `json:"kubeEvent,omitempty"`
	HTTP  *HTTP    `json:"http,omitempty"`
	// Evidence is set for EvidenceRecorded; Object for ObjectObserved,
	// Metric for MetricScraped, DNS for DNSProbed and Log for LogMatched.
	Evidence *Evidence `json:"evidence,omitempty"`
	Object   *Object   `json:"object,omitempty"`
	Metric   *Metric   `json:"metric,omitempty"`
	DNS      *DNS      `json:"dns,omitempty"`
	Log      *LogLine  `json:"log,omitempty"`
	Mark     string    `json:"mark,omitempty"`
	Note     string    `json:"note,omitempty"`
}

// Pod is the state of a Pod when it was observed.
type Pod struct {
	Namespace  string            `json:"namespace"`
	Name       string            `json:"name"`
	UID        string            `json:"uid,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`
	NodeName   string            `json:"nodeName,omitempty"`
	Phase      string            `json:"phase,omitempty"`
	Ready      bool              `json:"ready"`
	Created    time.Time         `json:"created"`
	Containers []Container       `json:"containers,omitempty"`
}

// Container is the state of one container of a Pod.
type Container struct {
	Name         string `json:"name"`
	Ready        bool   `json:"ready"`
	RestartCount int32  `json:"restartCount"`
	// Waiting is the reason of a waiting container (e.g. CrashLoopBackOff).
	Waiting string `json:"waiting,omitempty"`
	// Running is true while the container is running.
	Running bool `json:"running"`
	// LastExit is when the previous instance of the container exited, by
	// the kubelet's clock (the machine's: kind nodes share its kernel); zero
	// if it never exited. It dates restarts that were observed late.
	LastExit time.Time `json:"lastExit,omitzero"`
}

// Lease is the state of a coordination.k8s.io Lease when it was observed.
type Lease struct {
	Namespace    string    `json:"namespace"`
	Name         string    `json:"name"`
	Holder       string    `json:"holder,omitempty"`
	RenewTime    time.Time `json:"renewTime,omitempty"`
	AcquireTime  time.Time `json:"acquireTime,omitempty"`
	DurationSecs int32     `json:"leaseDurationSeconds,omitempty"`
	Transitions  int32     `json:"leaseTransitions,omitempty"`
}

// Node is the state of a Node when it was observed.
type Node struct {
	Name  string `json:"name"`
	Ready bool   `json:"ready"`
}

// HTTP is the outcome of one data-plane probe of an assertion.
type HTTP struct {
	Probe string `json:"probe"` // the assertion's name
	URL   string `json:"url"`
	// Sender is where the request was sent from: "host" (the harness's
	// machine, on the cluster's network), "node NAME" or "pod NS/NAME" (the
	// Pod's network namespace); empty in timelines recorded before it.
	Sender string `json:"sender,omitempty"`
	// Status is the HTTP status code, 0 without an answer.
	Status int    `json:"status,omitempty"`
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
}

// Evidence is what the system showed of a fault.
type Evidence struct {
	Fault string `json:"fault"`
	// Took is true when the system showed the fault took effect.
	Took bool `json:"took"`
	// Observed is the proof, or what was missing and what was seen instead.
	Observed string `json:"observed"`
}

// KubeEvt is a Kubernetes Event.
type KubeEvt struct {
	Namespace string `json:"namespace"`
	Object    string `json:"object"` // Kind/name of the involved object
	Reason    string `json:"reason"`
	Message   string `json:"message"`
	Type      string `json:"type"` // Normal or Warning
}

// Key returns namespace/name of the observed object, or the mark name.
func (e Event) Key() string {
	switch {
	case e.Pod != nil:
		return e.Pod.Namespace + "/" + e.Pod.Name
	case e.Lease != nil:
		return e.Lease.Namespace + "/" + e.Lease.Name
	case e.Node != nil:
		return e.Node.Name
	case e.Kube != nil:
		return e.Kube.Namespace + "/" + e.Kube.Object
	case e.Object != nil:
		return e.Object.Key()
	}
	return e.Mark
}

// Action says what happened to an observed object.
type Action string

// Actions of object observations, as informers report them (Deleted also
// for an object the recorder found gone when it listed again after an
// outage).
const (
	Added   Action = "added"
	Updated Action = "updated"
	Deleted Action = "deleted"
)

// Timeline is an append-only, concurrency-safe timeline.
type Timeline struct {
	start time.Time // carries Go's monotonic clock reading

	mu      sync.Mutex
	events  []Event
	changed chan struct{}
}

// New starts a timeline whose offsets are measured from start.
func New(start time.Time) *Timeline {
	return &Timeline{start: start, changed: make(chan struct{})}
}

// Start returns the moment offsets are measured from.
func (r *Timeline) Start() time.Time { return r.start }

// Now returns the current monotonic offset.
func (r *Timeline) Now() time.Duration { return time.Since(r.start) }

// Offset converts a wall-clock time (e.g. a Lease renewTime written by a
// component on the same host clock) to an offset of this timeline.
func (r *Timeline) Offset(wall time.Time) time.Duration {
	return wall.Round(0).Sub(r.start.Round(0))
}

// Add stamps e with the current offset and wall time, appends it, and wakes
// every waiter on Changed. It returns the stamped event.
func (r *Timeline) Add(e Event) Event {
	now := time.Now()
	e.At = now.Sub(r.start)
	e.Wall = now.Round(0).UTC()
	r.mu.Lock()
	r.events = append(r.events, e)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
	return e
}

// Mark records a named moment (see moments.go for the names a run uses)
// and returns its offset.
func (r *Timeline) Mark(name, note string) time.Duration {
	return r.Add(Event{Type: MarkReached, Mark: name, Note: note}).At
}

// Events returns a copy of the events recorded so far, oldest first.
func (r *Timeline) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Changed returns a channel that is closed at the next Add.
func (r *Timeline) Changed() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.changed
}

// FindMark returns the offset of the first mark with the given name.
func FindMark(events []Event, name string) (time.Duration, bool) {
	for _, e := range events {
		if e.Type == MarkReached && e.Mark == name {
			return e.At, true
		}
	}
	return 0, false
}

// WaitMark waits until the mark name is recorded and returns its offset.
func (r *Timeline) WaitMark(ctx context.Context, name string) (time.Duration, error) {
	seen := 0
	for {
		ch := r.Changed()
		r.mu.Lock()
		events := r.events[seen:]
		r.mu.Unlock()
		if at, ok := FindMark(events, name); ok {
			return at, nil
		}
		seen += len(events)
		select {
		case <-ch:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}
