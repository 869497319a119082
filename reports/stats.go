package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/harness-dev/harness/assertions"
)

// Stats is the distribution of one assertion's measured recovery over
// repeated runs of a scenario, for release qualification.
type Stats struct {
	Scenario  string  `json:"scenario"`
	Assertion string  `json:"assertion"`
	Runs      int     `json:"runs"`
	Passed    int     `json:"passed"`
	PassRate  float64 `json:"passRate"` // 0..1
	// The measured recoveries of the runs that measured one, in seconds.
	Min float64 `json:"minSeconds"`
	P50 float64 `json:"p50Seconds"`
	P95 float64 `json:"p95Seconds"`
	Max float64 `json:"maxSeconds"`
	// Measured is how many runs measured a recovery.
	Measured int `json:"measured"`
}

// Distribution groups runs by scenario and assertion, in the order they
// first appear. A run that could not be judged counts as a run that did not
// pass each of its assertions.
func Distribution(runs []*Run) []Stats {
	var order []string
	by := map[string]*Stats{}
	samples := map[string][]time.Duration{}
	for _, r := range runs {
		for _, a := range r.Assertions {
			key := r.Scenario + "/" + a.Name
			s, ok := by[key]
			if !ok {
				s = &Stats{Scenario: r.Scenario, Assertion: a.Name}
				by[key] = s
				order = append(order, key)
			}
			s.Runs++
			if a.Status == assertions.Passed && r.Error == nil {
				s.Passed++
			}
			if a.Measurable {
				samples[key] = append(samples[key], a.Measured)
			}
		}
	}
	out := make([]Stats, 0, len(order))
	for _, key := range order {
		s := by[key]
		s.PassRate = float64(s.Passed) / float64(s.Runs)
		if d := samples[key]; len(d) > 0 {
			slices.Sort(d)
			s.Measured = len(d)
			s.Min, s.Max = seconds(d[0]), seconds(d[len(d)-1])
			s.P50, s.P95 = seconds(nearestRank(d, 50)), seconds(nearestRank(d, 95))
		}
		out = append(out, *s)
	}
	return out
}

// nearestRank is the p-th percentile of sorted d by the nearest-rank method.
func nearestRank(d []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p/100*float64(len(d)))) - 1
	return d[max(0, min(i, len(d)-1))]
}

func seconds(d time.Duration) float64 { return Seconds(d).Float() }

// WriteDistribution writes the distribution as a table.
func WriteDistribution(w io.Writer, stats []Stats) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tASSERTION\tRUNS\tPASS RATE\tMIN\tP50\tP95\tMAX")
	for _, s := range stats {
		rate := fmt.Sprintf("%.0f%% (%d/%d)", s.PassRate*100, s.Passed, s.Runs)
		if s.Measured == 0 {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t-\t-\t-\t-\n", s.Scenario, s.Assertion, s.Runs, rate)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%.1fs\t%.1fs\t%.1fs\t%.1fs\n", s.Scenario, s.Assertion, s.Runs, rate, s.Min, s.P50, s.P95, s.Max)
	}
	tw.Flush()
}

// WriteStats writes the distribution as JSON to path.
func WriteStats(path string, stats []Stats) error {
	return writeFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(stats)
	})
}
