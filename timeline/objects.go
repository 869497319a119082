package timeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// Object is the state of an object of any kind (a Deployment, an
// EndpointSlice, a custom resource) when it was observed: the kinds that a
// scenario's objectState and reconciles assertions name are watched with
// dynamic informers. Never copy an Object value; share the pointer.
type Object struct {
	// APIVersion (group/version, or version for the core group) and Kind
	// name its type, as in the object's manifest.
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Namespace  string            `json:"namespace,omitempty"`
	Name       string            `json:"name"`
	UID        string            `json:"uid,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`
	// Content is the whole object as the apiserver served it (JSON),
	// without metadata.managedFields.
	Content json.RawMessage `json:"content"`

	decoded atomic.Pointer[decodedObject]
}

type decodedObject struct {
	m   map[string]any
	err error
}

// Key names the object: "APIVERSION KIND NAMESPACE/NAME" (no namespace for
// cluster-scoped objects).
func (o *Object) Key() string {
	if o.Namespace == "" {
		return fmt.Sprintf("%s %s %s", o.APIVersion, o.Kind, o.Name)
	}
	return fmt.Sprintf("%s %s %s/%s", o.APIVersion, o.Kind, o.Namespace, o.Name)
}

// Ref is "Kind namespace/name" (or "Kind name"), for people.
func (o *Object) Ref() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// Map returns Content decoded as JSON, with integral numbers as int64 and
// the others as float64 (as the apiserver's unstructured objects hold them),
// so that an expression sees the same types live and replayed from a
// report's timeline.jsonl. It is decoded once and shared: do not modify it.
func (o *Object) Map() (map[string]any, error) {
	if d := o.decoded.Load(); d != nil {
		return d.m, d.err
	}
	d := &decodedObject{}
	dec := json.NewDecoder(bytes.NewReader(o.Content))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		d.err = fmt.Errorf("object %s: %w", o.Ref(), err)
	} else {
		d.m, _ = numbers(v).(map[string]any)
	}
	o.decoded.Store(d)
	return d.m, d.err
}

// numbers turns json.Numbers into int64 or float64, recursively.
func numbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if !strings.ContainsAny(x.String(), ".eE") {
			if i, err := x.Int64(); err == nil {
				return i
			}
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
	}
	return v
}

// Metric is one scrape of a metric probe: the samples of its metric whose
// labels matched, or the error of a scrape that failed.
type Metric struct {
	Probe string `json:"probe"` // the assertion's name
	// Source says what was scraped: "https://127.0.0.1:10257/metrics in node
	// NAME", "pod NS/NAME :PORT/PATH", or a Prometheus query URL.
	Source  string   `json:"source"`
	Samples []Sample `json:"samples,omitempty"`
	Error   string   `json:"error,omitempty"`
}

// Sample is one series' value in a scrape (non-finite values are not
// recorded).
type Sample struct {
	Labels map[string]string `json:"labels,omitempty"`
	Value  float64           `json:"value"`
}

// DNS is the answer to one query of a DNS probe.
type DNS struct {
	Probe  string `json:"probe"` // the assertion's name
	Name   string `json:"name"`
	Server string `json:"server"`
	Sender string `json:"sender"` // "node NAME" or "pod NS/NAME"
	// Addresses are the A (or AAAA) records of the answer.
	Addresses []string `json:"addresses,omitempty"`
	OK        bool     `json:"ok"`
	Error     string   `json:"error,omitempty"`
}

// LogLine is a container log line that matched a log probe's regular
// expression.
type LogLine struct {
	Probe     string `json:"probe"` // the assertion's name
	Namespace string `json:"namespace"`
	Pod       string `json:"pod"`
	Container string `json:"container"`
	// Time is when the container runtime received the line (the log's
	// timestamp, the host's clock).
	Time time.Time `json:"time"`
	Line string    `json:"line"`
}
