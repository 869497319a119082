package assertions

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// Sender is where a probe is sent from: the host (no field set: the
// harness's own machine, on the cluster's network), a node, or the network
// namespace of a Pod (namespace + selector: the first Running Pod).
type Sender struct {
	Node      string `yaml:"node" doc:"a node name or role: the probe runs inside that node"`
	Namespace string `yaml:"namespace" doc:"with selector: the probe runs in the network namespace of a Running Pod of namespace + selector"`
	Selector  string `yaml:"selector" doc:"with namespace: label selector of the Pod, e.g. app=client"`
}

// IsHost reports whether the probe is sent from the host.
func (s Sender) IsHost() bool { return s == Sender{} }

// String describes the sender: "the host", "node NODE" or "a Pod of
// SELECTOR in NAMESPACE".
func (s Sender) String() string {
	switch {
	case s.Node != "":
		return "node " + s.Node
	case s.Namespace != "":
		return fmt.Sprintf("a Pod %s in %s", s.Selector, s.Namespace)
	}
	return "the host"
}

// validate checks the fields under path; host says whether the host is a
// valid sender.
func (s Sender) validate(path *field.Path, host bool) field.ErrorList {
	switch {
	case s.Node != "" && (s.Namespace != "" || s.Selector != ""):
		return field.ErrorList{field.Invalid(path.Child("node"), s.Node, "set either node or namespace and selector, not both")}
	case s.Node != "":
		return clusters.ValidateNode(path.Child("node"), s.Node)
	case s.Namespace != "" || s.Selector != "":
		return append(clusters.ValidateNamespace(path.Child("namespace"), s.Namespace), clusters.ValidateSelector(path.Child("selector"), s.Selector)...)
	case !host:
		return field.ErrorList{field.Required(path.Child("node"), "a node (name or role), or namespace and selector of a Pod")}
	}
	return nil
}

// answer is one probe's outcome.
type answer struct {
	at     time.Duration
	ok     bool
	target string // what was asked, for messages
	err    string
}

// availabilityJudge judges the share of answered probes in the window of
// c: [From, From+Within], or with `during` [From, Until]. It is decided at
// the end of the window.
type availabilityJudge struct {
	c       Common
	min     float64 // percent
	what    string  // "data plane" or "DNS name"
	answers func(v *timeline.View, a, b time.Duration) []answer
}

func (j availabilityJudge) judge(v *timeline.View) Verdict {
	var from, to time.Duration
	if j.c.Invariant() {
		var ok bool
		if from, ok = v.Moment(j.c.From); !ok {
			return pending(j.c, "waiting for moment %s", j.c.From)
		}
		if to, ok = v.Moment(j.c.Until); !ok || v.Now() < to {
			return pending(j.c, "judged at the end of the window, %s", j.c.Until)
		}
	} else {
		w, verdict, ended := endedWindow(j.c, v)
		if !ended {
			return verdict
		}
		from, to = w.From, w.Deadline
	}
	probes := j.answers(v, from, to)
	if len(probes) == 0 {
		return failed(j.c, "no %s probe was sent during %s; the harness could not probe it", j.what, j.c.window())
	}
	answered, firstFail := 0, -1
	for i, p := range probes {
		if p.ok {
			answered++
		} else if firstFail < 0 {
			firstFail = i
		}
	}
	target := probes[len(probes)-1].target
	pct := 100 * float64(answered) / float64(len(probes))
	if pct < j.min {
		bad := probes[firstFail]
		return failed(j.c, "%s %s available %.1f%% of %d probes in %s (SLO at least %.1f%%); first unanswered %s after %s: %s",
			j.what, target, pct, len(probes), j.c.window(), j.min, secs(bad.at-from), j.c.From, lastFailure(probes))
	}
	return held(j.c, "%s %s available %.1f%% of %d probes in %s (SLO at least %.1f%%)",
		j.what, target, pct, len(probes), j.c.window(), j.min)
}

// lastFailure is the error of the last unanswered probe.
func lastFailure(probes []answer) string {
	for i := len(probes) - 1; i >= 0; i-- {
		if !probes[i].ok {
			return probes[i].err
		}
	}
	return ""
}

// minPercent validates min (percent; 0 takes the form's default: 99 for
// an SLO, 100 for an invariant).
func minPercent(path *field.Path, c Common, min float64) (float64, field.ErrorList) {
	if min == 0 {
		if c.Invariant() {
			return 100, nil
		}
		return 99, nil
	}
	if min < 0 || min > 100 {
		return 0, field.ErrorList{field.Invalid(path, min, "not a percentage (0-100]")}
	}
	return min, nil
}

// probeInterval parses an interval of at least lowest (def when empty).
func probeInterval(path *field.Path, s string, def, lowest time.Duration) (time.Duration, field.ErrorList) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < lowest || d > time.Hour {
		return 0, field.ErrorList{field.Invalid(path, s, fmt.Sprintf("expected a duration from %s to 1h, such as %s", lowest, def))}
	}
	return d, nil
}
