package assertions

import (
	"fmt"
	"time"

	"github.com/harness-dev/harness/internal/timeline"
)

// window is the span an assertion judges: from its moment to the deadline.
type window struct {
	from, deadline time.Duration
}

// windowOf finds c.From in events; ok is false while the moment has not
// happened yet.
func windowOf(c Common, events []timeline.Event) (window, bool) {
	from, ok := timeline.FindMark(events, c.From)
	return window{from: from, deadline: from + c.Within}, ok
}

// endedWindow returns the window of an assertion judged at the end of its
// window, and ok once that end is reached; otherwise the pending verdict.
func endedWindow(c Common, events []timeline.Event, now time.Duration) (window, Verdict, bool) {
	w, ok := windowOf(c, events)
	if !ok {
		return w, pending(c, "waiting for moment %s", c.From), false
	}
	if now < w.deadline {
		return w, pending(c, "judged at the end of the window, %s after %s", c.Within, c.From), false
	}
	return w, Verdict{}, true
}

func pending(c Common, format string, args ...any) Verdict {
	return Verdict{Status: Pending, SLO: c.Within, Message: fmt.Sprintf(format, args...)}
}

func passed(c Common, measured time.Duration, format string, args ...any) Verdict {
	return Verdict{Status: Passed, SLO: c.Within, Measured: measured, Measurable: true, Message: fmt.Sprintf(format, args...)}
}

func failed(c Common, format string, args ...any) Verdict {
	return Verdict{Status: Failed, SLO: c.Within, Message: fmt.Sprintf(format, args...)}
}

// secs formats a duration as seconds with one decimal, e.g. "18.3s".
func secs(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }
