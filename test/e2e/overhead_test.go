package e2e

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/harness-dev/harness/internal/timeline"
)

// BenchmarkIntegrationOverhead runs scenarios/kill-controller-manager.yaml
// and reports where the time went: cluster creation, fault windows, the
// longest measured recovery, and the harness's own overhead (the rest).
// Run it with `make bench`; it is not a timed test.
func BenchmarkIntegrationOverhead(b *testing.B) {
	for i := 0; i < b.N; i++ {
		h := newHarness(b)
		start := time.Now()
		out, code := h.run(filepath.Join("scenarios", "kill-controller-manager.yaml"))
		total := time.Since(start)
		if code != 0 {
			b.Fatalf("exit code %d:\n%s", code, out)
		}
		cluster, faults := marks(b, filepath.Join(h.reports, "kill-controller-manager", "timeline.jsonl"))
		recovery := longestRecovery(b, filepath.Join(h.reports, "kill-controller-manager", "result.json"))
		b.ReportMetric(total.Seconds(), "total-s")
		b.ReportMetric(cluster.Seconds(), "cluster-s")
		b.ReportMetric(faults.Seconds(), "faults-s")
		b.ReportMetric(recovery.Seconds(), "recovery-s")
		b.ReportMetric((total - cluster - faults - recovery).Seconds(), "overhead-s")
	}
}

// marks returns when the cluster was ready and how long the faults lasted.
func marks(b *testing.B, path string) (cluster, faults time.Duration) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	at := map[string]time.Duration{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e timeline.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			b.Fatal(err)
		}
		if e.Type == timeline.MarkReached {
			at[e.Mark] = e.At
		}
	}
	return at["cluster.ready"], at["faults.end"] - at["faults.start"]
}

func longestRecovery(b *testing.B, path string) time.Duration {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var res struct {
		Assertions []struct {
			Measured float64 `json:"measuredSeconds"`
		} `json:"assertions"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		b.Fatal(err)
	}
	var longest float64
	for _, a := range res.Assertions {
		longest = max(longest, a.Measured)
	}
	return time.Duration(longest * float64(time.Second))
}
