package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/timeline"
)

func ordered() []*Run {
	f := fixtures()
	return []*Run{f["passing"], f["failing"], f["erroring"]}
}

func TestSummaryGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	Summary(&buf, ordered())
	golden(t, "summary.golden", buf.Bytes())
}

func TestWriteAll(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	runs := append(ordered(), run("lease-loss")) // a second run of lease-loss
	if err := WriteAll(filepath.Join(dir, "reports"), runs); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "reports", "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, new(parsed)); err != nil {
		t.Fatalf("junit.xml: %v", err)
	}
	for i, sub := range []string{"lease-loss", "lease-loss-strict", "steady-broken", "lease-loss-2"} {
		var back Run
		data, err := os.ReadFile(filepath.Join(dir, "reports", sub, "result.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &back); err != nil || back.RunID != runs[i].RunID {
			t.Fatalf("%s/result.json: %v, runID %q, want %q", sub, err, back.RunID, runs[i].RunID)
		}
		if got := readTimeline(t, filepath.Join(dir, "reports", sub, "timeline.jsonl")); len(got) != len(runs[i].Timeline) {
			t.Fatalf("%s/timeline.jsonl has %d events, want %d", sub, len(got), len(runs[i].Timeline))
		}
		page, err := os.ReadFile(filepath.Join(dir, "reports", sub, "report.html"))
		if err != nil || !strings.Contains(string(page), runs[i].RunID) {
			t.Fatalf("%s/report.html: %v, or it lacks run ID %q", sub, err, runs[i].RunID)
		}
	}
}

func TestWriteTimelineOneEventPerLine(t *testing.T) {
	t.Parallel()
	want := events()
	path := filepath.Join(t.TempDir(), "timeline.jsonl")
	if err := writeFile(path, func(w io.Writer) error { return WriteTimeline(w, want) }); err != nil {
		t.Fatal(err)
	}
	if got := readTimeline(t, path); !reflect.DeepEqual(got, want) {
		t.Fatalf("timeline read back differs:\n got %+v\nwant %+v", got, want)
	}
}

func readTimeline(t *testing.T, path string) []timeline.Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []timeline.Event
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e timeline.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %d: %v", len(out)+1, err)
		}
		out = append(out, e)
	}
	return out
}

func TestWriteJSONUsesSeconds(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, fixtures()["passing"]); err != nil {
		t.Fatal(err)
	}
	contains(t, "result.json", buf.String(), []string{`"apiVersion": "harness.dev/result/v1alpha1"`,
		`"measuredSeconds": 16.8`, `"sloSeconds": 60`, `"startSeconds": 36.8`, `"passed": true`,
		`"durationSeconds": 95`, "\n  \"scenario\""})
}

func TestTimelineSummaryBounded(t *testing.T) {
	t.Parallel()
	r := run("crashloop")
	for i := range 500 { // a crash loop: one restart line per observation
		r.Timeline = append(r.Timeline, timeline.Event{At: time.Duration(100+i) * sec, Type: timeline.PodObserved,
			Pod: &timeline.Pod{Namespace: "kube-system", Name: "p", Containers: []timeline.Container{{Name: "c", RestartCount: int32(i)}}}})
	}
	for _, tc := range []struct{ max, lines int }{{maxSummaryLines, maxSummaryLines}, {maxFailureLines, maxFailureLines}, {0, 515}} {
		got := strings.Split(strings.TrimSuffix(TimelineSummary(r, tc.max), "\n"), "\n")
		if len(got) != tc.lines {
			t.Errorf("max %d: %d lines, want %d", tc.max, len(got), tc.lines)
		}
		if tc.max > 0 && !strings.HasPrefix(got[len(got)-1], "... ") {
			t.Errorf("max %d: last line %q does not say the summary was cut", tc.max, got[len(got)-1])
		}
	}
}

func TestRunDirs(t *testing.T) {
	t.Parallel()
	runs := []*Run{{Scenario: "a"}, {Scenario: "a"}, {Scenario: "a-2"}, {Scenario: "../x/y"}, {Scenario: ""}, {Scenario: ".."},
		{Scenario: "b", RunID: "b-1"}}
	want := []string{"a", "a-2", "a-2-2", ".._x_y", "scenario", "scenario-2", "b-b-1"}
	if got := runDirs(runs, map[string]bool{"b": true}); !reflect.DeepEqual(got, want) {
		t.Fatalf("runDirs = %q, want %q", got, want)
	}
}

// TestWriteAllKeepsConcurrentRuns: two processes writing into one report
// folder at once keep each other's results (folders and junit.xml); a
// later invocation replaces them.
func TestWriteAllKeepsConcurrentRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := run("lease-loss"), run("lease-loss") // one scenario, one seed, two runs at once
	a.RunID, b.RunID = "lease-loss-aaaaaa", "lease-loss-bbbbbb"
	b.Started = a.Started.Add(time.Second)
	if err := WriteAll(dir, []*Run{a}); err != nil {
		t.Fatal(err)
	}
	if err := WriteAll(dir, []*Run{b}); err != nil {
		t.Fatal(err)
	}
	ids := func() []string {
		var out []string
		files, _ := filepath.Glob(filepath.Join(dir, "*", "result.json"))
		sort.Strings(files)
		for _, f := range files {
			var r Run
			data, _ := os.ReadFile(f)
			if err := json.Unmarshal(data, &r); err != nil {
				t.Fatal(err)
			}
			out = append(out, filepath.Base(filepath.Dir(f))+"="+r.RunID)
		}
		junit, _ := os.ReadFile(filepath.Join(dir, "junit.xml"))
		return append(out, fmt.Sprintf("junit suites %d", strings.Count(string(junit), "<testsuite ")))
	}
	got := strings.Join(ids(), " ")
	if want := "lease-loss-lease-loss-bbbbbb=lease-loss-bbbbbb lease-loss=lease-loss-aaaaaa junit suites 2"; got != want {
		t.Fatalf("after two concurrent runs: %s; want %s", got, want)
	}
	later := run("lease-loss")
	later.RunID, later.Started = "lease-loss-cccccc", b.Started.Add(time.Hour)
	if err := WriteAll(dir, []*Run{later}); err != nil {
		t.Fatal(err)
	}
	got = strings.Join(ids(), " ")
	if want := "lease-loss-lease-loss-bbbbbb=lease-loss-bbbbbb lease-loss=lease-loss-cccccc junit suites 1"; got != want {
		t.Fatalf("after a later run: %s; want %s", got, want)
	}
}
