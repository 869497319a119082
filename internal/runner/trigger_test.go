package runner

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/faults/trigger"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
	"github.com/harness-dev/harness/timeline"
)

// fakeTrigger fires after a delay, or never when the delay is zero.
type fakeTrigger struct{ after time.Duration }

func (f fakeTrigger) Wait(ctx context.Context, env trigger.Env) (trigger.Fired, error) {
	env.Armed()
	if f.after == 0 {
		<-ctx.Done()
		return trigger.Fired{}, ctx.Err()
	}
	time.Sleep(f.after)
	return trigger.Fired{Observed: time.Now(), What: "the thing happened"}, nil
}

func TestAwaitTrigger(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		trigger fakeTrigger
		wantOK  bool
		wantErr string
	}{
		{"fires", fakeTrigger{after: 10 * time.Millisecond}, true, ""},
		{"never fires", fakeTrigger{}, false, "fault f: its fake trigger did not fire within 50ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &run{o: Options{Timeout: time.Minute}, tl: timeline.New(time.Now()), pr: newProgress(io.Discard)}
			f := scenarios.FaultEntry{Name: "f", Type: "kill", Trigger: &scenarios.TriggerEntry{Type: "fake",
				Timeout: 50 * time.Millisecond, Delay: time.Millisecond, Trigger: tt.trigger}}
			var rec reports.Fault
			ok, err := r.awaitTrigger(context.Background(), f, &rec)
			if ok != tt.wantOK || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("awaitTrigger = %v, %v; want %v, %q", ok, err, tt.wantOK, tt.wantErr)
			}
			events := r.tl.Events()
			if _, armed := timeline.FindMark(events, "f.armed"); !armed {
				t.Error("no f.armed mark")
			}
			at, triggered := timeline.FindMark(events, "f.triggered")
			if triggered != tt.wantOK || (tt.wantOK && (rec.Trigger != "the thing happened" || rec.Triggered <= 0 || rec.Triggered > at)) {
				t.Errorf("triggered mark %v at %s, record %+v", triggered, at, rec)
			}
		})
	}
}
