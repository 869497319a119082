package harness

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/timeline"
)

// TestBadInputNamesTheChoices: an unknown type or a parameter struct of the
// wrong type is refused before anything touches a cluster, with the valid
// choices in the error.
func TestBadInputNamesTheChoices(t *testing.T) {
	t.Parallel()
	c := &Cluster{}
	tests := []struct {
		name string
		err  func() error
		want string
	}{
		{"unknown fault", func() error {
			_, err := c.Inject(context.Background(), Fault{Name: "f", Type: "explode"})
			return err
		}, `unknown type "explode"; valid types: [kill partition`},
		{"fault params", func() error {
			_, err := c.Inject(context.Background(), Fault{Name: "f", Type: "kill", Params: &assertions.LeaseHeldParams{}})
			return err
		}, "params of type *assertions.LeaseHeldParams given; this type takes *faults.KillParams"},
		{"params for a type without", func() error {
			_, err := c.Inject(context.Background(), Fault{Name: "f", Type: "pause", Params: &faults.KillParams{}})
			return err
		}, "params of type *faults.KillParams given; this type takes no params"},
		{"no params for a type without", func() error {
			_, err := c.Inject(context.Background(), Fault{Name: "f", Type: "pause"})
			return err
		}, `fault "f"`},
		{"bad fault target", func() error {
			_, err := c.Inject(context.Background(), Fault{Name: "f", Type: "kill"})
			return err
		}, `fault "f"`},
		{"unknown assertion", func() error {
			_, err := JudgeTimeline(nil, 0, Assertion{Name: "a", Type: "fast"})
			return err
		}, `unknown type "fast"; valid types: [leaseHeld`},
		{"assertion params", func() error {
			_, err := JudgeTimeline(nil, 0, Assertion{Name: "a", Type: "leaseHeld", Params: &faults.KillParams{}})
			return err
		}, "this type takes *assertions.LeaseHeldParams"},
		{"probe assertion not probed", func() error {
			r := &Recording{tl: timeline.New(time.Now()), pr: newProbing()}
			_, err := r.Judge(Assertion{Name: "a", Type: "podsCreatable", From: "x", Within: time.Minute})
			return err
		}, `assertion "a" of type podsCreatable measures a probe: call Recording.Probe with it before the fault`},
	}
	for _, tt := range tests {
		if err := tt.err(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

// TestJudgeTimelineBothWays: the same lease judged over a timeline where it
// was renewed in time passes, and fails (naming the lease and the SLO)
// where it never was.
func TestJudgeTimelineBothWays(t *testing.T) {
	t.Parallel()
	wall := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	mark := timeline.Event{At: 10 * time.Second, Wall: wall.Add(10 * time.Second), Type: timeline.MarkReached, Mark: "kill.end"}
	renewed := timeline.Event{At: 20 * time.Second, Wall: wall.Add(20 * time.Second), Type: timeline.LeaseObserved, Action: timeline.Updated,
		Lease: &timeline.Lease{Namespace: "kube-system", Name: "kcm", Holder: "b", RenewTime: wall.Add(20 * time.Second)}}
	a := Assertion{Name: "held", Type: "leaseHeld", From: "kill.end", Within: 30 * time.Second,
		Params: &assertions.LeaseHeldParams{Lease: "kube-system/kcm"}}
	pass, err := JudgeTimeline([]timeline.Event{mark, renewed}, 21*time.Second, a)
	if err != nil || pass.Status != assertions.Passed || pass.Measured != 10*time.Second {
		t.Fatalf("renewed lease: %+v, %v", pass, err)
	}
	fail, err := JudgeTimeline([]timeline.Event{mark}, time.Minute, a)
	if err != nil || fail.Status != assertions.Failed || !strings.Contains(fail.Message, "lease kube-system/kcm not held within 30s") {
		t.Fatalf("never renewed: %+v, %v", fail, err)
	}
	if !strings.Contains(fail.Timeline, "kill.end") {
		t.Fatalf("judgement's timeline lacks the mark:\n%s", fail.Timeline)
	}
}

// TestJudgeProbeTimelineBothWays: podsCreatable judged over a timeline with
// its probe mark passes once the probe's Pods were created in time, and
// fails naming the probe Deployment and the SLO when they were not.
func TestJudgeProbeTimelineBothWays(t *testing.T) {
	t.Parallel()
	a := Assertion{Name: "pods", Type: "podsCreatable", From: "kill.end", Within: time.Minute,
		Params: &assertions.PodsCreatableParams{Replicas: 2}}
	label := map[string]string{assertions.ProbeLabel: "pods"}
	pod := func(at time.Duration, name string) timeline.Event {
		return timeline.Event{At: at, Type: timeline.PodObserved, Action: timeline.Added, Pod: &timeline.Pod{Namespace: "default", Name: name, Labels: label}}
	}
	events := []timeline.Event{
		{At: 10 * time.Second, Type: timeline.MarkReached, Mark: "kill.end"},
		{At: 11 * time.Second, Type: timeline.MarkReached, Mark: timeline.ProbeStarted("pods")},
		pod(20*time.Second, "p1"),
	}
	fail, err := JudgeTimeline(events, 2*time.Minute, a)
	if err != nil || fail.Status != assertions.Failed ||
		!strings.Contains(fail.Message, "pods of probe deployment default/harness-probe-pods not created within 1m0s after kill.end: 1 of 2") {
		t.Fatalf("one of two pods: %+v, %v", fail, err)
	}
	pass, err := JudgeTimeline(append(events, pod(25*time.Second, "p2")), 2*time.Minute, a)
	if err != nil || pass.Status != assertions.Passed || pass.Measured != 15*time.Second {
		t.Fatalf("both pods: %+v, %v", pass, err)
	}
}
