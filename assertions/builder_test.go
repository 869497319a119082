package assertions

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/timeline"
)

// base is the wall-clock time of offset 0 in the test timelines.
var base = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func s(sec float64) time.Duration { return time.Duration(sec * float64(time.Second)) }

// tl builds a recorded timeline; offsets are seconds from the run start.
type tl struct{ events []timeline.Event }

func (b *tl) add(at float64, e timeline.Event) *tl {
	e.At = s(at)
	e.Wall = base.Add(e.At)
	b.events = append(b.events, e)
	return b
}

func (b *tl) mark(at float64, name string) *tl {
	return b.add(at, timeline.Event{Type: timeline.MarkReached, Mark: name})
}

// lease records an observation at `at` of a lease renewed at `renewed`.
func (b *tl) lease(at, renewed float64, holder string) *tl {
	return b.add(at, timeline.Event{Type: timeline.LeaseObserved, Action: timeline.Updated, Lease: &timeline.Lease{
		Namespace: "kube-system", Name: "kube-controller-manager", Holder: holder, RenewTime: base.Add(s(renewed)),
	}})
}

func (b *tl) pod(at float64, name string, labels map[string]string, ready bool, restarts int32, waiting string) *tl {
	return b.add(at, timeline.Event{Type: timeline.PodObserved, Action: timeline.Updated, Pod: &timeline.Pod{
		Namespace: "kube-system", Name: name, Labels: labels, Ready: ready,
		Containers: []timeline.Container{{Name: "c", Ready: ready, RestartCount: restarts, Waiting: waiting, Running: waiting == ""}},
	}})
}

func build(t *testing.T, typ string, c Common, params any) Assertion {
	t.Helper()
	spec, ok := Lookup(typ)
	if !ok {
		t.Fatalf("no assertion type %s", typ)
	}
	a, err := spec.New(c, params)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func expect(t *testing.T, v Verdict, status Status, contains ...string) {
	t.Helper()
	if v.Status != status {
		t.Fatalf("status %s, want %s (message %q)", v.Status, status, v.Message)
	}
	for _, c := range contains {
		if !strings.Contains(v.Message, c) {
			t.Fatalf("message %q lacks %q", v.Message, c)
		}
	}
}

// verdictCase is one row of a table test: the verdict of an assertion over
// a recorded timeline judged at now.
type verdictCase struct {
	name    string
	tl      *tl
	now     float64
	status  Status
	message []string
}

// runVerdicts checks every case of a table in parallel subtests.
func runVerdicts(t *testing.T, typ string, c Common, params any, cases []verdictCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := build(t, typ, c, params)
			expect(t, a.Evaluate(timeline.NewView(tt.tl.events, s(tt.now))), tt.status, tt.message...)
			checkStable(t, a, tt.tl.events)
		})
	}
}

// checkStable evaluates a over events at every event time, just before
// it, every 250ms in between and long after the last event: once decided,
// the verdict (status and measured time) never changes, whenever it is
// evaluated.
func checkStable(t *testing.T, a Assertion, events []timeline.Event) {
	t.Helper()
	var times []time.Duration
	last := time.Duration(0)
	for _, e := range events {
		times = append(times, e.At-1, e.At)
		last = max(last, e.At)
	}
	for at := time.Duration(0); at < last+5*time.Minute; at += 250 * time.Millisecond {
		times = append(times, at)
	}
	times = append(times, last+time.Hour)
	slices.Sort(times)
	var first *Verdict
	var firstAt time.Duration
	for _, at := range times {
		v := a.Evaluate(timeline.NewView(events, at))
		switch {
		case first == nil && v.Status != Pending:
			first, firstAt = &v, at
		case first != nil && (v.Status != first.Status || v.Measured != first.Measured):
			t.Fatalf("decided %s (measured %s) at %s, but %s (measured %s) at %s: %s",
				first.Status, first.Measured, firstAt, v.Status, v.Measured, at, v.Message)
		}
	}
}
