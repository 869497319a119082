package assertions

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/harness-dev/harness/timeline"
)

func TestLeaseHeld(t *testing.T) {
	t.Parallel()
	c := Common{Name: "kcm", From: "cut.end", Within: s(60)}
	params := &LeaseHeldParams{Lease: "kube-system/kube-controller-manager"}
	tests := []struct {
		name     string
		timeline *tl
		now      float64
		status   Status
		message  []string
		measured float64
	}{
		{"renewed after the moment passes", new(tl).lease(1, 1, "a").mark(40, "cut.end").lease(58.5, 58.3, "b"),
			70, Passed, []string{"renewed by \"b\" 18.3s after cut.end (SLO 1m0s)"}, 18.3},
		{"stale lease relisted after an outage does not pass", new(tl).lease(1, 10, "a").mark(40, "cut.end").lease(45, 10, "a"),
			30 + 40, Pending, nil, 0},
		{"never renewed fails with the last renewal", new(tl).lease(1, 10, "a").mark(40, "cut.end").lease(45, 10, "a"),
			106, Failed, []string{"lease kube-system/kube-controller-manager not held within 1m0s after cut.end (last renewed 90.0s before the end of the window)"}, 0},
		{"never observed", new(tl).mark(40, "cut.end"), 106, Failed, []string{"never renewed"}, 0},
		{"renewal after the deadline fails", new(tl).mark(40, "cut.end").lease(103, 102, "b"), 106, Failed,
			[]string{"last renewed -2.0s before the end"}, 0},
		{"renewal in time but observed late still passes", new(tl).mark(40, "cut.end").lease(102, 99, "b"), 102, Passed, []string{"59.0s"}, 59},
		{"moment not reached", new(tl).lease(1, 1, "a"), 500, Pending, []string{"waiting for moment cut.end"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := build(t, "leaseHeld", c, params)
			checkStable(t, a, tt.timeline.events)
			v := a.Evaluate(timeline.NewView(tt.timeline.events, s(tt.now)))
			expect(t, v, tt.status, tt.message...)
			if v.SLO != s(60) {
				t.Fatalf("SLO %s, want 60s", v.SLO)
			}
			if tt.status == Passed && (v.Measured-s(tt.measured)).Abs() > s(0.01) {
				t.Fatalf("measured %s, want %.1fs", v.Measured, tt.measured)
			}
		})
	}
}

func TestLeaseHeldRejectsBadParams(t *testing.T) {
	t.Parallel()
	for _, lease := range []string{"", "x", "/x", "a/b/c"} {
		if _, err := leaseHeldSpec.New(Common{}, &LeaseHeldParams{Lease: lease}); err == nil {
			t.Errorf("lease %q accepted", lease)
		}
	}
}

// TestLeaseHeldOnRecordedTimeline judges a timeline recorded on a kind
// cluster (a 30s apiserver partition) both ways.
func TestLeaseHeldOnRecordedTimeline(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/lease-loss.timeline.json")
	if err != nil {
		t.Fatal(err)
	}
	var events []timeline.Event
	if err := json.Unmarshal(data, &events); err != nil {
		t.Fatal(err)
	}
	end := events[len(events)-1].At
	// This recording predates the recorder's Relisted events: the last
	// observation came from its relist after the outage.
	events = append(events, timeline.Event{At: end, Type: timeline.Relisted})
	for _, tt := range []struct {
		within float64
		status Status
	}{{90, Passed}, {1, Failed}} {
		c := Common{Name: "kcm", From: "partition-apiserver.end", Within: s(tt.within)}
		a := build(t, "leaseHeld", c, &LeaseHeldParams{Lease: "kube-system/kube-controller-manager"})
		checkStable(t, a, events)
		v := a.Evaluate(timeline.NewView(events, end))
		expect(t, v, tt.status, "kube-system/kube-controller-manager")
	}
}
