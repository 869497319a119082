package runner

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/scenarios"
	"github.com/harness-dev/harness/timeline"
)

// undecided never decides.
type undecided struct{}

func (undecided) Evaluate(*timeline.View) assertions.Verdict {
	return assertions.Verdict{Status: assertions.Pending, Message: "waiting"}
}

// TestTimeoutCountsFromTheEndOfTheFaults: --timeout bounds the observation
// after the faults end, as documented; faults that outlast it are not a
// reason to fail the SLOs.
func TestTimeoutCountsFromTheEndOfTheFaults(t *testing.T) {
	t.Parallel()
	r := &run{o: Options{Timeout: 100 * time.Millisecond}, tl: timeline.New(time.Now()), pr: newProgress(io.Discard)}
	entries := []scenarios.AssertionEntry{{Name: "a", From: timeline.FaultsEnd, Assertion: undecided{}}}
	done := make(chan struct{})
	judged := make(chan string, 1)
	go func() { judged <- r.judge(context.Background(), entries, done)[0].Message }()
	select {
	case msg := <-judged:
		t.Fatalf("judged before the faults ended: %s", msg)
	case <-time.After(time.Second): // ten timeouts while the faults last
	}
	close(done)
	select {
	case msg := <-judged:
		if !strings.Contains(msg, "the observation timed out 100ms after the faults ended") {
			t.Fatalf("message %q", msg)
		}
	case <-time.After(time.Minute):
		t.Fatal("not judged a minute after the faults ended")
	}
}
