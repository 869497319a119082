package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// find returns the lane of group and name, or fails.
func find(t *testing.T, c Chart, group, name string) Lane {
	t.Helper()
	for _, l := range c.Lanes {
		if l.Group == group && l.Name == name {
			return l
		}
	}
	t.Fatalf("no lane %s/%s in %+v", group, name, c.Lanes)
	return Lane{}
}

// TestNewChart: the chart of the failing fixture shows the fault window, each
// assertion's window and recovery, the outage, the lease holder changes and
// the Pod's restart, at the recorded offsets.
func TestNewChart(t *testing.T) {
	t.Parallel()
	c := NewChart(fixtures()["failing"])
	type want struct {
		group, name string
		items       []Item
	}
	for _, w := range []want{
		{"faults", "partition-apiserver", []Item{{Start: 36.8, End: 67.2, Class: "fault"}}},
		{"assertions", "kcm-lease-held", []Item{{Start: 67.2, End: 127.2, Class: "window-failed"}}},
		{"assertions", "kcm-ready", []Item{{Start: 67.2, End: 157.2, Class: "window-passed"}, {Start: 87.344, End: 87.344, Class: "recovered"}}},
		{"apiserver", "apiserver (as the harness saw it)", []Item{{Start: 39.3, End: 70, Class: "outage"}}},
		{"leases", kcmLease, []Item{{Start: 31, End: 31, Class: "holder"}, {Start: 84, End: 84, Class: "holder"}}},
	} {
		l := find(t, c, w.group, w.name)
		if len(l.Items) != len(w.items) {
			t.Errorf("%s/%s: %d items, want %d: %+v", w.group, w.name, len(l.Items), len(w.items), l.Items)
			continue
		}
		for i, it := range l.Items {
			if !near(it.Start, w.items[i].Start) || !near(it.End, w.items[i].End) || it.Class != w.items[i].Class || it.Label == "" {
				t.Errorf("%s/%s item %d = %+v, want %+v with a label", w.group, w.name, i, it, w.items[i])
			}
		}
	}
	pods := find(t, c, "pods", "kube-system/kube-controller-manager-control-plane")
	if !hasClass(pods, "restart", 71) {
		t.Errorf("the restart at 71s is missing: %+v", pods.Items)
	}
	if c.Duration < 157.2 {
		t.Errorf("duration %.1f ends before the last assertion window", c.Duration)
	}
}

func near(a, b float64) bool { return a-b < 0.001 && b-a < 0.001 }

func hasClass(l Lane, class string, at float64) bool {
	for _, it := range l.Items {
		if it.Class == class && near(it.Start, at) {
			return true
		}
	}
	return false
}

// TestWriteHTML: the page is self-contained, escapes what it shows, and
// embeds exactly the chart data.
func TestWriteHTML(t *testing.T) {
	t.Parallel()
	for name, r := range fixtures() {
		r.Description = `checks <script>alert("x")</script> & more`
		r.Artifacts = []Artifact{{Path: "artifacts/run-1/events.txt", Title: "events"}}
		var buf bytes.Buffer
		if err := WriteHTML(&buf, r, "../"); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		for _, bad := range []string{`<script>alert`, `src="http`, `href="http`, `<link`} {
			if strings.Contains(page, bad) {
				t.Errorf("%s: page contains %q", name, bad)
			}
		}
		for _, want := range []string{`<span class="badge ` + runStatus(r) + `">`, r.Scenario, `href="../artifacts/run-1/events.txt"`, "Timeline summary"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: page lacks %q", name, want)
			}
		}
		got := embeddedChart(t, page)
		if want := NewChart(r); !sameChart(got, want) {
			t.Errorf("%s: embedded chart differs:\ngot  %+v\nwant %+v", name, got, want)
		}
	}
}

func embeddedChart(t *testing.T, page string) Chart {
	t.Helper()
	const open = `<script type="application/json" id="chart-data">`
	i := strings.Index(page, open)
	j := strings.Index(page[i+len(open):], "</script>")
	if i < 0 || j < 0 {
		t.Fatal("no chart data in the page")
	}
	var c Chart
	if err := json.Unmarshal([]byte(page[i+len(open):i+len(open)+j]), &c); err != nil {
		t.Fatalf("chart data: %v", err)
	}
	return c
}

func sameChart(a, b Chart) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func items(c Chart) int {
	n := 0
	for _, l := range c.Lanes {
		n += len(l.Items)
	}
	return n
}
