package reports

import (
	"fmt"
	"strings"

	"github.com/harness-dev/harness/timeline"
)

// maxSummaryLines bounds the timeline summary in JUnit's system-out.
const maxSummaryLines = 200

// TimelineSummary lists, in at most maxLines lines, what a person reads
// first: the fault windows, then the marks, apiserver outages, lease holder
// changes, node readiness changes and container restarts of the timeline.
// Other observations (every pod update) are left to timeline.jsonl.
// maxLines <= 0 means no bound.
func TimelineSummary(r *Run, maxLines int) string {
	var lines []string
	if len(r.Faults) > 0 {
		lines = append(lines, "fault windows:")
		for _, f := range r.Faults {
			lines = append(lines, "  "+f.Name+"="+faultLine(f))
		}
	}
	s := newSummarizer()
	var events []string
	for _, e := range r.Timeline {
		if line := s.line(e); line != "" {
			events = append(events, fmt.Sprintf("  %9.3fs  %s", e.At.Seconds(), line))
		}
	}
	if len(events) > 0 {
		lines = append(lines, "timeline:")
		lines = append(lines, events...)
	}
	if maxLines > 0 && len(lines) > maxLines {
		more := len(lines) - maxLines + 1
		lines = append(lines[:maxLines-1], fmt.Sprintf("... %d more lines; the full timeline is in timeline.jsonl", more))
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// summarizer remembers what was last seen of each object, to report changes
// only.
type summarizer struct {
	holders  map[string]string
	ready    map[string]bool
	restarts map[string]int32
	http     map[string]bool
}

func newSummarizer() *summarizer {
	return &summarizer{holders: map[string]string{}, ready: map[string]bool{}, restarts: map[string]int32{}, http: map[string]bool{}}
}

// line describes e, or returns "" when e changes nothing worth a line.
func (s *summarizer) line(e timeline.Event) string {
	switch {
	case e.Type == timeline.MarkReached:
		return strings.TrimSpace("mark " + e.Mark + " " + e.Note)
	case e.Type == timeline.OutageStarted:
		return strings.TrimSpace("apiserver unreachable: " + e.Note)
	case e.Type == timeline.OutageEnded:
		return "apiserver reachable again"
	case e.Type == timeline.Relisted:
		return strings.TrimSpace("recorder relisted the cluster: " + e.Note)
	case e.HTTP != nil:
		return s.httpProbe(e)
	case e.Lease != nil && e.Action != timeline.Deleted:
		return s.lease(e)
	case e.Node != nil:
		return s.node(e)
	case e.Pod != nil && e.Action != timeline.Deleted:
		return s.pod(e)
	}
	return ""
}

func (s *summarizer) httpProbe(e timeline.Event) string {
	if prev, ok := s.http[e.HTTP.Probe]; ok && prev == e.HTTP.OK {
		return ""
	}
	s.http[e.HTTP.Probe] = e.HTTP.OK
	if e.HTTP.OK {
		return "data plane " + e.HTTP.URL + " answers (" + e.HTTP.Probe + ")"
	}
	return "data plane " + e.HTTP.URL + " does not answer (" + e.HTTP.Probe + "): " + e.HTTP.Error
}

func (s *summarizer) lease(e timeline.Event) string {
	key := e.Key()
	if prev, ok := s.holders[key]; ok && prev == e.Lease.Holder {
		return ""
	}
	s.holders[key] = e.Lease.Holder
	if e.Lease.Holder == "" {
		return "lease " + key + " released"
	}
	return fmt.Sprintf("lease %s held by %q", key, e.Lease.Holder)
}

func (s *summarizer) node(e timeline.Event) string {
	key := e.Key()
	ready := e.Node.Ready && e.Action != timeline.Deleted
	if prev, ok := s.ready[key]; ok && prev == ready {
		return ""
	}
	s.ready[key] = ready
	switch {
	case e.Action == timeline.Deleted:
		return "node " + key + " deleted"
	case ready:
		return "node " + key + " Ready"
	}
	return "node " + key + " NotReady"
}

func (s *summarizer) pod(e timeline.Event) string {
	var out []string
	for _, c := range e.Pod.Containers {
		k := e.Key() + "/" + c.Name
		if prev, ok := s.restarts[k]; ok && c.RestartCount > prev {
			what := "restarted"
			if c.Waiting != "" {
				what += ", " + c.Waiting
			}
			out = append(out, fmt.Sprintf("container %s %s (restarts %d)", k, what, c.RestartCount))
		}
		s.restarts[k] = c.RestartCount
	}
	return strings.Join(out, "; ")
}
