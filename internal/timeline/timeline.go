// Package timeline records what happened during a run: observations of
// cluster objects, fault windows and named moments, each stamped with a
// monotonic offset from the start of the run. Assertions are pure functions
// over a recorded timeline.
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
)

// Event is one entry of the timeline. Exactly one of the object fields is
// set for object observations; Mark is set for MarkReached.
type Event struct {
	// At is the monotonic offset from the start of the run.
	At time.Duration `json:"at"`
	// Wall is the wall-clock time of the observation, for people.
	Wall   time.Time `json:"wall"`
	Type   Type      `json:"type"`
	Action string    `json:"action,omitempty"` // added, updated, deleted

	Pod   *Pod     `json:"pod,omitempty"`
	Lease *Lease   `json:"lease,omitempty"`
	Node  *Node    `json:"node,omitempty"`
	Kube  *KubeEvt `json:"kubeEvent,omitempty"`
	HTTP  *HTTP    `json:"http,omitempty"`
	Mark  string   `json:"mark,omitempty"`
	Note  string   `json:"note,omitempty"`
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
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
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
	}
	return e.Mark
}

// Recorder is an append-only, concurrency-safe timeline.
type Recorder struct {
	start time.Time // carries Go's monotonic clock reading

	mu      sync.Mutex
	events  []Event
	changed chan struct{}
}

// New starts a timeline whose offsets are measured from start.
func New(start time.Time) *Recorder {
	return &Recorder{start: start, changed: make(chan struct{})}
}

// Start returns the moment offsets are measured from.
func (r *Recorder) Start() time.Time { return r.start }

// Now returns the current monotonic offset.
func (r *Recorder) Now() time.Duration { return time.Since(r.start) }

// Offset converts a wall-clock time (e.g. a Lease renewTime written by a
// component on the same host clock) to an offset of this timeline.
func (r *Recorder) Offset(wall time.Time) time.Duration {
	return wall.Round(0).Sub(r.start.Round(0))
}

// Add stamps e with the current offset and wall time, appends it, and wakes
// every waiter on Changed. It returns the stamped event.
func (r *Recorder) Add(e Event) Event {
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

// Mark records a named moment and returns its offset.
func (r *Recorder) Mark(name, note string) time.Duration {
	return r.Add(Event{Type: MarkReached, Mark: name, Note: note}).At
}

// Events returns a copy of the events recorded so far, oldest first.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Changed returns a channel that is closed at the next Add.
func (r *Recorder) Changed() <-chan struct{} {
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
func (r *Recorder) WaitMark(ctx context.Context, name string) (time.Duration, error) {
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
