package reports

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/harness-dev/harness/timeline"
)

// WriteJSON writes a run as indented JSON (see Run's JSON form).
func WriteJSON(w io.Writer, r *Run) error {
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

// WriteAll writes dir/junit.xml, dir/index.html (a page linking every
// run's report) and, per run, dir/<scenario>/result.json,
// dir/<scenario>/timeline.jsonl and dir/<scenario>/report.html, creating
// the directories. Two runs of the same scenario go to <scenario> and
// <scenario>-2.
//
// Several harness processes may write into one dir at once: WriteAll holds
// dir/.harness-reports.lock (flock) while it writes, and the runs whose
// result.json is there and that ended after the earliest of runs started
// (runs of another process at the same time) are kept: their folders are
// not overwritten (a run of the same scenario then goes to
// <scenario>-<runID>), and junit.xml holds their suites and these. Results
// of earlier invocations (ended before these runs started) are replaced,
// as a rerun into the same folder expects.
func WriteAll(dir string, runs []*Run) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return err
	}
	defer unlock()
	others, otherDirs := concurrentRuns(dir, runs)
	taken := map[string]bool{}
	for _, d := range otherDirs {
		taken[d] = true
	}
	dirs := runDirs(runs, taken)
	for i, sub := range dirs {
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
	all, allDirs := byStart(append(others, runs...), append(otherDirs, dirs...))
	if err := writeFile(filepath.Join(dir, "index.html"), func(w io.Writer) error { return WriteIndex(w, all, allDirs) }); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "junit.xml"), func(w io.Writer) error { return WriteJUnit(w, all) })
}

// byStart sorts runs and their folders by start time.
func byStart(runs []*Run, dirs []string) ([]*Run, []string) {
	idx := make([]int, len(runs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return runs[idx[a]].Started.Before(runs[idx[b]].Started) })
	outRuns, outDirs := make([]*Run, len(runs)), make([]string, len(runs))
	for i, j := range idx {
		outRuns[i], outDirs[i] = runs[j], dirs[j]
	}
	return outRuns, outDirs
}

// lockDir takes dir's report lock, waiting for another writer to finish.
func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, ".harness-reports.lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("report dir lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("report dir lock: %w", err)
	}
	return func() { f.Close() }, nil
}

// concurrentRuns reads the results in dir of runs that are not among runs
// and ended after the earliest of runs started, and the folder of each.
func concurrentRuns(dir string, runs []*Run) ([]*Run, []string) {
	var taken []string
	if len(runs) == 0 {
		return nil, nil
	}
	since := runs[0].Started
	ours := map[string]bool{}
	for _, r := range runs {
		if r.Started.Before(since) {
			since = r.Started
		}
		ours[r.RunID] = true
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "result.json"))
	sort.Strings(files)
	var out []*Run
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var r Run
		if json.Unmarshal(data, &r) != nil || ours[r.RunID] || r.Started.Add(r.Duration).Before(since) {
			continue
		}
		out = append(out, &r)
		taken = append(taken, filepath.Base(filepath.Dir(f)))
	}
	return out, taken
}

// runDirs names the directory of each run: its scenario, made safe as one
// path element, with a suffix when a name repeats among runs, and the run
// ID when another process's run holds the name (taken).
func runDirs(runs []*Run, taken map[string]bool) []string {
	used := map[string]bool{}
	out := make([]string, len(runs))
	for i, r := range runs {
		base := safeName(r.Scenario)
		if taken[base] {
			base = safeName(r.Scenario + "-" + r.RunID)
		}
		name := base
		for n := 2; used[name] || taken[name]; n++ {
			name = fmt.Sprintf("%s-%d", base, n)
		}
		used[name] = true
		out[i] = name
	}
	return out
}

func safeName(s string) string {
	base := strings.NewReplacer("/", "_", `\`, "_").Replace(s)
	if base == "" || base == "." || base == ".." {
		base = "scenario"
	}
	return base
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
