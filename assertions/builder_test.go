package assertions

import (
	"testing"
	"time"

	"github.com/harness-dev/harness/internal/timeline"
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
	return b.add(at, timeline.Event{Type: timeline.LeaseObserved, Action: "updated", Lease: &timeline.Lease{
		Namespace: "kube-system", Name: "kube-controller-manager", Holder: holder, RenewTime: base.Add(s(renewed)),
	}})
}

func (b *tl) pod(at float64, name string, labels map[string]string, ready bool, restarts int32, waiting string) *tl {
	return b.add(at, timeline.Event{Type: timeline.PodObserved, Action: "updated", Pod: &timeline.Pod{
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
		if !containsStr(v.Message, c) {
			t.Fatalf("message %q lacks %q", v.Message, c)
		}
	}
}

func containsStr(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
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
			expect(t, build(t, typ, c, params).Evaluate(tt.tl.events, s(tt.now)), tt.status, tt.message...)
		})
	}
}
