package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/harness-dev/harness/internal/result"
	"github.com/harness-dev/harness/internal/timeline"
)

// maxSummaryLines bounds the timeline summary in JUnit's system-out.
const maxSummaryLines = 200

// TimelineSummary lists the moments of a run a person reads first: marks,
// outages, fault windows, lease holder changes and container restarts.
func TimelineSummary(r *result.Run) string {
	var b strings.Builder
	lines := 0
	holders := map[string]string{}
	restarts := map[string]int32{}
	for _, e := range r.Timeline {
		line := summaryLine(e, holders, restarts)
		if line == "" {
			continue
		}
		if lines++; lines > maxSummaryLines {
			b.WriteString("... (the full timeline is in timeline.jsonl)\n")
			break
		}
		fmt.Fprintf(&b, "%8.1fs  %s\n", e.At.Seconds(), line)
	}
	return b.String()
}

func summaryLine(e timeline.Event, holders map[string]string, restarts map[string]int32) string {
	switch e.Type {
	case timeline.MarkReached:
		return strings.TrimSpace("moment " + e.Mark + " " + e.Note)
	case timeline.OutageStarted:
		return "apiserver unreachable: " + e.Note
	case timeline.OutageEnded:
		return "apiserver reachable again"
	case timeline.LeaseObserved:
		key := e.Key()
		if prev, ok := holders[key]; ok && prev == e.Lease.Holder {
			return ""
		}
		holders[key] = e.Lease.Holder
		return fmt.Sprintf("lease %s held by %q", key, e.Lease.Holder)
	case timeline.PodObserved:
		var out []string
		for _, c := range e.Pod.Containers {
			k := e.Key() + "/" + c.Name
			if prev, ok := restarts[k]; ok && c.RestartCount > prev {
				out = append(out, fmt.Sprintf("container %s restarted (restarts %d)", k, c.RestartCount))
			}
			restarts[k] = c.RestartCount
		}
		return strings.Join(out, "; ")
	}
	return ""
}

// Summary writes a table of every assertion's verdict, then each failure.
func Summary(w io.Writer, runs []*result.Run) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tASSERTION\tSLO\tMEASURED\tVERDICT")
	for _, r := range runs {
		if r.Error != nil {
			fmt.Fprintf(tw, "%s\t(%s)\t-\t-\tERROR\n", r.Scenario, r.Error.Phase)
		}
		for _, a := range r.Assertions {
			measured := "-"
			if a.Measurable {
				measured = a.Measured.Round(100 * time.Millisecond).String()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Scenario, a.Name, a.SLO, measured, strings.ToUpper(string(a.Status)))
		}
	}
	tw.Flush()
	for _, r := range runs {
		if r.Error != nil {
			fmt.Fprintf(w, "%s: ERROR in %s: %s\n", r.Scenario, r.Error.Phase, r.Error.Message)
		}
		for _, a := range r.Assertions {
			if !strings.EqualFold(string(a.Status), "passed") {
				fmt.Fprintf(w, "%s: %s %s: %s\n", r.Scenario, strings.ToUpper(string(a.Status)), a.Name, a.Message)
			}
		}
	}
}

// WriteJSON writes a run as indented JSON.
func WriteJSON(w io.Writer, r *result.Run) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTimeline writes one JSON event per line.
func WriteTimeline(w io.Writer, events []timeline.Event) error {
	enc := json.NewEncoder(w)
	for _, e := range events {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}

// WriteAll writes dir/junit.xml and, per scenario, result.json and
// timeline.jsonl.
func WriteAll(dir string, runs []*result.Run) error {
	if err := writeFile(filepath.Join(dir, "junit.xml"), func(w io.Writer) error { return WriteJUnit(w, runs) }); err != nil {
		return err
	}
	for _, r := range runs {
		sub := filepath.Join(dir, r.Scenario)
		if err := writeFile(filepath.Join(sub, "result.json"), func(w io.Writer) error { return WriteJSON(w, r) }); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(sub, "timeline.jsonl"), func(w io.Writer) error { return WriteTimeline(w, r.Timeline) }); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
