package assertions

import (
	"fmt"
	"time"

	"github.com/harness-dev/harness/timeline"
)

// The state assertions (objectState, reconciles, metric, nodeReady) judge
// a series of points, each the state at an offset, in two forms:
//
//   - SLO (`from` + `within`; also a steady-state check): the first good
//     point in [From, From+Within] passes, measured from From.
//   - invariant (`during`, Common.Until): every point in [From, Until] must
//     be good; the first bad one fails, with its offset.
//
// For points built from watched objects (watched is true), the window
// starts when the recorder could see the cluster (View.SeenAt: after the
// relist when From fell in an apiserver outage) and a decision waits for
// the relist after an outage at its end; the state listed at a relist
// counts at the relist. Outages inside an invariant's window are reported
// as blind time: what happened then and was undone before the relist is
// not seen.

// health is the state of one point.
type health int

const (
	unknown health = iota // could not be observed (a scrape failed)
	good
	bad
)

// point is the state judged at an offset; detail says what was seen.
type point struct {
	at     time.Duration
	state  health
	detail string
}

// series returns the points of an assertion in [a, b] (b is at most the
// view's Now), oldest first; for watched state, the first is the state at a.
type series func(v *timeline.View, a, b time.Duration) []point

// stateJudge judges a series in the form of c.
type stateJudge struct {
	c Common
	// what names the condition, e.g. "Deployment default/web
	// (object.status.availableReplicas >= 1)".
	what string
	// holds is the verb phrase of a good state ("holds", "is Ready").
	holds string
	// watched: the points come from the recorder's watches.
	watched bool
	// grace is waited after the end of the window for observations made in
	// time (watch lag), before failing or passing.
	grace  time.Duration
	points series
}

func (j stateJudge) judge(v *timeline.View) Verdict {
	if j.c.Invariant() {
		return j.invariant(v)
	}
	return j.slo(v)
}

func (j stateJudge) slo(v *timeline.View) Verdict {
	w, verdict, ok := window(j.c, v)
	if !ok {
		return verdict
	}
	start, ok := j.seen(v, w.From)
	if !ok {
		return pending(j.c, "waiting for the recorder to see %s again after the apiserver outage", j.what)
	}
	pts := j.points(v, start, min(w.Deadline, v.Now()))
	for _, p := range pts {
		if p.state == good {
			return passed(j.c, p.at-w.From, "%s %s %s after %s (SLO %s): %s", j.what, j.holds, secs(p.at-w.From), j.c.From, j.c.Within, p.detail)
		}
	}
	last := lastDetail(pts)
	if v.Now() < w.Deadline+j.grace {
		return pending(j.c, "%s not yet (%s)", j.what, last)
	}
	if at, ok := j.seen(v, w.Deadline); !ok || at > v.Now() {
		return pending(j.c, "waiting for the recorder to see %s again after the apiserver outage", j.what)
	}
	return failed(j.c, "%s not %s within %s after %s (%s)", j.what, j.holds, j.c.Within, j.c.From, last)
}

func (j stateJudge) invariant(v *timeline.View) Verdict {
	from, ok := v.Moment(j.c.From)
	if !ok {
		return pending(j.c, "waiting for moment %s", j.c.From)
	}
	start, ok := j.seen(v, from)
	if !ok {
		return pending(j.c, "waiting for the recorder to see %s again after the apiserver outage", j.what)
	}
	end, ended := v.Now(), false
	if to, ok := v.Moment(j.c.Until); ok {
		if at, seen := j.seen(v, to); seen {
			end, ended = min(at, v.Now()), at+j.grace <= v.Now()
		}
	}
	pts := j.points(v, start, end)
	known := 0
	for _, p := range pts {
		switch p.state {
		case bad:
			return failed(j.c, "%s violated %s after %s, in %s: %s%s", j.what, secs(p.at-from), j.c.From, j.c.window(), p.detail, j.blind(v, from, end))
		case good:
			known++
		}
	}
	if !ended {
		return pending(j.c, "%s %s so far (%d observations since %s)", j.what, j.holds, known, j.c.From)
	}
	if known == 0 {
		return failed(j.c, "%s never observed in %s (%s)%s", j.what, j.c.window(), lastDetail(pts), j.blind(v, from, end))
	}
	return held(j.c, "%s %s throughout %s (%d observations)%s", j.what, j.holds, j.c.window(), known, j.blind(v, from, end))
}

// seen is View.SeenAt for watched state, t itself for probes.
func (j stateJudge) seen(v *timeline.View, t time.Duration) (time.Duration, bool) {
	if !j.watched {
		return t, true
	}
	return v.SeenAt(t)
}

// blind describes the apiserver outages in [a, b] of watched state.
func (j stateJudge) blind(v *timeline.View, a, b time.Duration) string {
	if !j.watched {
		return ""
	}
	var total time.Duration
	for _, o := range v.Outages() {
		end := o.Relisted
		if end < 0 {
			end = v.Now()
		}
		if o.Start < b && end > a {
			total += min(end, b) - max(o.Start, a)
		}
	}
	if total == 0 {
		return ""
	}
	return fmt.Sprintf("; the watches were blind for %s during apiserver outages (states in between not seen)", secs(total))
}

// lastDetail describes the last point, or says none was seen.
func lastDetail(pts []point) string {
	for i := len(pts) - 1; i >= 0; i-- {
		if pts[i].detail != "" {
			return "last seen: " + pts[i].detail
		}
	}
	return "never observed"
}
