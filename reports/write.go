package reports

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/harness-dev/harness/internal/result"
	"github.com/harness-dev/harness/internal/timeline"
)

// WriteJSON writes a run as indented JSON (see result.Run's JSON form).
func WriteJSON(w io.Writer, r *result.Run) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTimeline writes one JSON event per line, as timeline.Event encodes
// itself (offsets in nanoseconds), so that it decodes back into events.
func WriteTimeline(w io.Writer, events []timeline.Event) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, e := range events {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteAll writes dir/junit.xml and, per run, dir/<scenario>/result.json,
// dir/<scenario>/timeline.jsonl and dir/<scenario>/report.html, creating
// the directories. Two runs of
// the same scenario go to <scenario> and <scenario>-2.
func WriteAll(dir string, runs []*result.Run) error {
	if err := writeFile(filepath.Join(dir, "junit.xml"), func(w io.Writer) error { return WriteJUnit(w, runs) }); err != nil {
		return err
	}
	for i, sub := range runDirs(runs) {
		r := runs[i]
		sub = filepath.Join(dir, sub)
		if err := writeFile(filepath.Join(sub, "result.json"), func(w io.Writer) error { return WriteJSON(w, r) }); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(sub, "timeline.jsonl"), func(w io.Writer) error { return WriteTimeline(w, r.Timeline) }); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(sub, "report.html"), func(w io.Writer) error { return WriteHTML(w, r, "../") }); err != nil {
			return err
		}
	}
	return nil
}

// runDirs names the directory of each run: its scenario, made safe as one
// path element, with a suffix when a name repeats.
func runDirs(runs []*result.Run) []string {
	used := map[string]bool{}
	out := make([]string, len(runs))
	for i, r := range runs {
		base := strings.NewReplacer("/", "_", `\`, "_").Replace(r.Scenario)
		if base == "" || base == "." || base == ".." {
			base = "scenario"
		}
		name := base
		for n := 2; used[name]; n++ {
			name = fmt.Sprintf("%s-%d", base, n)
		}
		used[name] = true
		out[i] = name
	}
	return out
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
