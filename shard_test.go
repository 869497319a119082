package harness

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/timeline"
)

func TestParseShard(t *testing.T) {
	t.Parallel()
	if s, err := ParseShard("2/3"); err != nil || s != (Shard{2, 3}) {
		t.Fatalf("2/3: %+v %v", s, err)
	}
	for _, bad := range []string{"0/3", "4/3", "3", "a/b", "1/0", "-1/2"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func scenariosNamed(names ...string) []*Scenario {
	var out []*Scenario
	for _, n := range names {
		sc := &Scenario{}
		sc.Metadata.Name = n
		out = append(out, sc)
	}
	return out
}

// TestShardPickCoversOnceAndBalances: the shards of a suite are disjoint,
// together the whole suite in its order, balanced by count or by timings.
func TestShardPickCoversOnceAndBalances(t *testing.T) {
	t.Parallel()
	scs := scenariosNamed("a", "b", "c", "d", "e", "f", "g")
	timings := Timings{"a": 100 * time.Second, "b": 10 * time.Second, "c": 10 * time.Second, "d": 90 * time.Second,
		"e": 10 * time.Second, "f": 10 * time.Second}
	for _, tm := range []Timings{nil, timings} {
		var all []string
		var loads []time.Duration
		for k := 1; k <= 3; k++ {
			var load time.Duration
			for _, sc := range (Shard{k, 3}).Pick(scs, tm) {
				all = append(all, sc.Metadata.Name)
				if tm != nil {
					load += tm[sc.Metadata.Name]
				} else {
					load++
				}
			}
			loads = append(loads, load)
		}
		sorted := slices.Clone(all)
		sort.Strings(sorted)
		if !slices.Equal(sorted, []string{"a", "b", "c", "d", "e", "f", "g"}) {
			t.Fatalf("timings %v: shards hold %v; want every scenario once", tm != nil, all)
		}
		if tm == nil && slices.Max(loads)-slices.Min(loads) > 1 {
			t.Errorf("by count: loads %v", loads)
		}
		if tm != nil && slices.Max(loads) > 100*time.Second {
			t.Errorf("by timings: loads %v; the longest scenario should stand alone", loads)
		}
	}
	if got := (Shard{1, 3}).Pick(scs, timings); !slices.IsSortedFunc(got, func(a, b *Scenario) int {
		return slices.Index(scs, a) - slices.Index(scs, b)
	}) {
		t.Errorf("a shard does not keep the order given")
	}
}

func fakeRun(name string, i int, status assertions.Status) *reports.Run {
	return &reports.Run{Scenario: name, RunID: fmt.Sprintf("%s-%06d", name, i), Duration: time.Duration(30+i) * time.Second,
		Started: time.Date(2026, 11, 30, 10, i, 0, 0, time.UTC), Assertions: []reports.Assertion{{Name: "a", Type: "leaseHeld",
			Verdict: assertions.Verdict{Status: status, SLO: time.Minute, Measured: time.Duration(i) * time.Second, Measurable: true}}}}
}

type junitCases struct {
	Suites []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func casesOf(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var j junitCases
	if err := xml.Unmarshal(data, &j); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range j.Suites {
		for _, c := range s.Cases {
			out = append(out, fmt.Sprintf("%s/%s failed=%v", s.Name, c.Name, c.Failure != nil))
		}
	}
	sort.Strings(out)
	return out
}

// TestShardsMergeToTheUnsplitReport: a suite split in 3 and merged gives
// the report of the unsplit suite (the same test cases and verdicts, the
// same runs; times aside).
func TestShardsMergeToTheUnsplitReport(t *testing.T) {
	t.Parallel()
	names := []string{"kill", "lease", "pause", "partition", "kill"}
	var runs []*reports.Run
	for i, n := range names {
		st := assertions.Passed
		if i == 3 {
			st = assertions.Failed
		}
		runs = append(runs, fakeRun(n, i, st))
	}
	runs[2].Timeline = []timeline.Event{{At: time.Second, Type: timeline.MarkReached, Mark: "pause.start"}}
	whole := t.TempDir()
	if err := reports.WriteAll(whole, runs); err != nil {
		t.Fatal(err)
	}
	scs := scenariosNamed(names...)
	var dirs []string
	for k := 1; k <= 3; k++ {
		var part []*reports.Run
		for _, sc := range (Shard{k, 3}).Pick(scs, nil) {
			part = append(part, runs[slices.Index(scs, sc)])
		}
		dir := t.TempDir()
		if err := reports.WriteAll(dir, part); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	out := t.TempDir()
	merged, err := reports.Merge(out, dirs)
	if err != nil {
		t.Fatal(err)
	}
	if len(merged) != len(runs) || !slices.Equal(casesOf(t, out), casesOf(t, whole)) {
		t.Fatalf("merged %d runs, cases %v; want %v", len(merged), casesOf(t, out), casesOf(t, whole))
	}
	back, err := reports.ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(back, func(r *reports.Run) bool { return r.Scenario == "pause" }); i < 0 || len(back[i].Timeline) != 1 {
		t.Errorf("the merged report lost a run's timeline")
	}
	for _, f := range []string{"index.html", "distribution.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("merged report lacks %s: %v", f, err)
		}
	}
}
