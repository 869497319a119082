package harness

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/harness-dev/harness/reports"
)

// Shard is share Index (1-based) of Count of a suite, for a CI matrix
// (GitHub Actions strategy.matrix, GitLab parallel:, Prow jobs).
type Shard struct{ Index, Count int }

// ParseShard reads "K/N" (1 <= K <= N).
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(k)
	count, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || count < 1 || index < 1 || index > count || count > 1000 {
		return Shard{}, fmt.Errorf("shard %q: expected K/N with 1 <= K <= N, such as 2/3", s)
	}
	return Shard{Index: index, Count: count}, nil
}

// Timings are the durations of earlier runs by scenario name (the mean of
// its runs), from a report directory (see ReadTimings).
type Timings map[string]time.Duration

// ReadTimings reads the durations of the runs in a report directory (a
// --report-dir, or merged shards), for balancing shards.
func ReadTimings(dir string) (Timings, error) {
	runs, err := reports.ReadResults(dir)
	if err != nil {
		return nil, err
	}
	sum, n := map[string]time.Duration{}, map[string]int{}
	for _, r := range runs {
		sum[r.Scenario] += r.Duration
		n[r.Scenario]++
	}
	t := Timings{}
	for name, d := range sum {
		t[name] = d / time.Duration(n[name])
	}
	return t, nil
}

// Pick returns this shard's scenarios, in the order given. The split is
// deterministic (every shard computes the same one): the scenarios, longest
// first by timings (else all alike, so the split is by count), then by name
// and position, each go to the shard with the least work so far. A
// scenario without a timing weighs the mean of the known ones.
func (s Shard) Pick(scs []*Scenario, timings Timings) []*Scenario {
	if s.Count <= 1 {
		return scs
	}
	weight := func(sc *Scenario) time.Duration {
		if d, ok := timings[sc.Metadata.Name]; ok {
			return d
		}
		return meanTiming(timings)
	}
	order := make([]int, len(scs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := scs[order[a]], scs[order[b]]
		if wx, wy := weight(x), weight(y); wx != wy {
			return wx > wy
		}
		return x.Metadata.Name < y.Metadata.Name
	})
	load := make([]time.Duration, s.Count)
	mine := make([]bool, len(scs))
	for _, i := range order {
		least := 0
		for k := range load {
			if load[k] < load[least] {
				least = k
			}
		}
		load[least] += weight(scs[i])
		mine[i] = least == s.Index-1
	}
	var out []*Scenario
	for i, sc := range scs {
		if mine[i] {
			out = append(out, sc)
		}
	}
	return out
}

func meanTiming(t Timings) time.Duration {
	if len(t) == 0 {
		return time.Second
	}
	var sum time.Duration
	for _, d := range t {
		sum += d
	}
	return sum / time.Duration(len(t))
}

// SelectLabels keeps the scenarios whose metadata.labels match a label
// selector (kubectl's syntax: suite=control-plane,tier!=slow); an empty
// selector keeps all.
func SelectLabels(scs []*Scenario, selector string) ([]*Scenario, error) {
	sel, err := labels.Parse(selector)
	if err != nil {
		return nil, fmt.Errorf("label selector %q: %w", selector, err)
	}
	var out []*Scenario
	for _, sc := range scs {
		if sel.Matches(labels.Set(sc.Metadata.Labels)) {
			out = append(out, sc)
		}
	}
	return out, nil
}
