package e2e

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/timeline"
)

// stockSuite are the eight stock control-plane scenarios.
var stockSuite = []string{"kill-controller-manager", "lease-loss", "pause-controller-manager", "partition-controller-manager",
	"delete-crds-during-startup", "rebuild-etcd-apiserver", "expire-apiserver-cert", "reboot-control-plane"}

// BenchmarkIntegrationSuite runs the eight stock scenarios as one `harness
// run` on one shared cluster, then again with a cluster each
// (--fresh-cluster), and reports: the total time of each, the floor (what
// the scenarios' faults and SLO windows themselves need: for each run, from
// its steady state to its last verdict, as decided by its windows), the
// ratio shared/floor, the speed-up of sharing, and the overhead per
// scenario. Run it with `make bench-suite`; it is not a timed test.
func BenchmarkIntegrationSuite(b *testing.B) {
	var files []string
	for _, name := range stockSuite {
		files = append(files, filepath.Join("scenarios", name+".yaml"))
	}
	for i := 0; i < b.N; i++ {
		shared, floor := timeSuite(b, files)
		isolated, _ := timeSuite(b, append([]string{"--fresh-cluster"}, files...))
		n := float64(len(files))
		b.ReportMetric(shared.Seconds(), "shared-s")
		b.ReportMetric(isolated.Seconds(), "isolated-s")
		b.ReportMetric(floor.Seconds(), "floor-s")
		b.ReportMetric(shared.Seconds()/floor.Seconds(), "shared/floor")
		b.ReportMetric(isolated.Seconds()/shared.Seconds(), "isolated/shared")
		b.ReportMetric((shared-floor).Seconds()/n, "shared-overhead-s/scenario")
		b.ReportMetric((isolated-floor).Seconds()/n, "isolated-overhead-s/scenario")
	}
}

// timeSuite runs `harness run args...`, which must pass, and returns its
// wall time and the sum of its runs' floors.
func timeSuite(b *testing.B, args []string) (time.Duration, time.Duration) {
	h := newHarness(b)
	start := time.Now()
	out, code := h.run(args...)
	total := time.Since(start)
	if code != 0 {
		b.Fatalf("exit code %d:\n%s", code, out)
	}
	runs, err := reports.ReadResults(h.reports)
	if err != nil {
		b.Fatal(err)
	}
	var floor time.Duration
	for _, r := range runs {
		floor += runFloor(r)
	}
	return total, floor
}

// runFloor is what a run's own windows need: from its steady-state mark
// (the setup done) to its last decided verdict.
func runFloor(r *reports.Run) time.Duration {
	from, _ := timeline.NewView(r.Timeline, r.Duration).Moment(timeline.SteadyState)
	last := time.Duration(0)
	for _, a := range r.Assertions {
		last = max(last, a.Decided)
	}
	for _, f := range r.Faults {
		last = max(last, f.End)
	}
	return last - from
}
