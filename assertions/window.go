package assertions

import (
	"fmt"
	"time"

	"github.com/harness-dev/harness/timeline"
)

// window finds the window of c in v; ok is false, with the pending verdict,
// while its moment has not happened.
func window(c Common, v *timeline.View) (timeline.Window, Verdict, bool) {
	w, ok := v.Window(c.From, c.Within)
	if !ok {
		return w, pending(c, "waiting for moment %s", c.From), false
	}
	return w, Verdict{}, true
}

// endedWindow is window for an assertion judged at the end of its window:
// ok once that end is reached.
func endedWindow(c Common, v *timeline.View) (timeline.Window, Verdict, bool) {
	w, verdict, ok := window(c, v)
	if !ok {
		return w, verdict, false
	}
	if v.Now() < w.Deadline {
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

// held is the verdict of a check that held over its window: passed, with
// nothing measured.
func held(c Common, format string, args ...any) Verdict {
	return Verdict{Status: Passed, SLO: c.Within, Message: fmt.Sprintf(format, args...)}
}

func failed(c Common, format string, args ...any) Verdict {
	return Verdict{Status: Failed, SLO: c.Within, Message: fmt.Sprintf(format, args...)}
}

// secs formats a duration as seconds with one decimal, e.g. "18.3s".
func secs(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }
