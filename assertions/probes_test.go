package assertions

import (
	"strings"
	"testing"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// scrape records a metric scrape of probe "kcm" with one series of value,
// or a failed scrape when value is negative.
func (b *tl) scrape(at float64, value float64) *tl {
	m := &timeline.Metric{Probe: "kcm", Source: "kube-controller-manager https://127.0.0.1:10257/metrics in node cp"}
	if value < 0 {
		m.Error = "curl: (7) Failed to connect to 127.0.0.1 port 10257"
	} else {
		m.Samples = []timeline.Sample{{Labels: map[string]string{"name": "kube-controller-manager"}, Value: value}}
	}
	return b.add(at, timeline.Event{Type: timeline.MetricScraped, Metric: m})
}

var leaderMetric = &MetricParams{Component: "kube-controller-manager", Metric: "leader_election_master_status",
	Labels: map[string]string{"name": "kube-controller-manager"}, Op: "==", Value: 1}

func TestMetricSLO(t *testing.T) {
	t.Parallel()
	c := Common{Name: "kcm", From: "kill.end", Within: s(30)}
	runVerdicts(t, "metric", c, leaderMetric, []verdictCase{
		{"leads again within the SLO passes", new(tl).scrape(5, 1).mark(10, "kill.end").scrape(12, -1).scrape(14, 0).scrape(26, 1), 27, Passed,
			[]string{`metric sum(leader_election_master_status{name=~"kube-controller-manager"}) of kube-controller-manager == 1 holds 16.0s after kill.end (SLO 30s): value 1`}},
		{"never leads fails with the last value", new(tl).mark(10, "kill.end").scrape(12, -1).scrape(14, 0).scrape(38, 0), 40, Failed,
			[]string{"not holds within 30s after kill.end (last seen: value 0)"}},
		{"a value before the moment does not count", new(tl).scrape(5, 1).mark(10, "kill.end").scrape(12, -1), 40, Failed,
			[]string{"last seen: scrape failed: curl: (7) Failed to connect"}},
		{"pending within the window", new(tl).mark(10, "kill.end").scrape(12, 0), 20, Pending, nil},
		// A metric probe does not go through the recorder: an apiserver
		// outage does not hold its verdict back.
		{"an outage does not matter", new(tl).mark(10, "kill.end").outage(11, 0).scrape(12, 0), 41, Failed, nil},
	})
}

func TestMetricInvariant(t *testing.T) {
	t.Parallel()
	c := Common{Name: "kcm", From: "cut.start", Until: "cut.end"}
	params := &MetricParams{Component: "kube-controller-manager", Metric: "workqueue_depth", Labels: map[string]string{"name": "garbage.*"},
		Aggregate: "max", Op: "<", Value: 100}
	runVerdicts(t, "metric", c, params, []verdictCase{
		{"below the bound throughout passes; failed scrapes are unknown", new(tl).mark(10, "cut.start").scrape(12, 3).scrape(14, -1).scrape(16, 99).mark(20, "cut.end"), 21, Passed,
			[]string{"holds throughout the window cut.start to cut.end (2 observations)"}},
		{"above the bound fails at once with its time", new(tl).mark(10, "cut.start").scrape(12, 3).scrape(14, 150), 15, Failed,
			[]string{"violated 4.0s after cut.start, in the window cut.start to cut.end: value 150"}},
		{"no scrape in the window fails", new(tl).mark(10, "cut.start").scrape(12, -1).mark(20, "cut.end"), 21, Failed,
			[]string{"never observed in the window cut.start to cut.end (last seen: scrape failed"}},
		{"pending until the window ends", new(tl).mark(10, "cut.start").scrape(12, 3), 100, Pending, nil},
	})
}

func TestMetricAggregates(t *testing.T) {
	t.Parallel()
	samples := []timeline.Sample{{Value: 2}, {Value: 5}, {Value: 1}}
	for how, want := range map[string]float64{"sum": 8, "max": 5, "min": 1, "count": 3} {
		if got := aggregate(how, samples); got != want {
			t.Errorf("%s = %g, want %g", how, got, want)
		}
	}
}

func TestMetricRejectsBadParams(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		p    MetricParams
		want string
	}{
		{MetricParams{Metric: "x", Op: "=="}, "params.component: Required value: exactly one source"},
		{MetricParams{Component: "kube-controller-manager", Prometheus: "http://p:9090", Metric: "x", Op: "=="}, "exactly one source"},
		{MetricParams{Component: "kubelet", Metric: "x", Op: "=="}, `params.component: Unsupported value: "kubelet"`},
		{MetricParams{Component: "etcd", Metric: "bad name", Op: "=="}, "params.metric: Invalid value"},
		{MetricParams{Component: "etcd", Metric: "x", Op: "="}, `params.op: Unsupported value: "="`},
		{MetricParams{Component: "etcd", Metric: "x", Op: "==", Labels: map[string]string{"name": "("}}, "params.labels[name]: Invalid value"},
		{MetricParams{Component: "etcd", Metric: "x", Op: "==", Aggregate: "avg"}, `params.aggregate: Unsupported value: "avg"`},
		{MetricParams{Component: "etcd", Metric: "x", Op: "==", Interval: "1ms"}, "params.interval: Invalid value"},
		{MetricParams{Component: "etcd", Metric: "x", Op: "==", Query: "up"}, "params.query: Invalid value"},
		{MetricParams{Prometheus: "ftp://p", Query: "up", Op: "=="}, "params.prometheus: Invalid value"},
		{MetricParams{Prometheus: "http://p:9090", Op: "=="}, "params.query: Required value"},
		{MetricParams{Pod: &MetricPod{Workload: clusters.Workload{Namespace: "n", Selector: "a=b"}}, Metric: "x", Op: "=="}, "params.pod.port: Invalid value"},
		{MetricParams{Pod: &MetricPod{Workload: clusters.Workload{Namespace: "n", Selector: "a=b"}, Port: 80, Path: "x y"}, Metric: "x", Op: "=="}, "params.pod.path"},
	} {
		_, errs := metricSpec.New(Common{Name: "x", From: "a", Within: s(1)}, &tt.p)
		if err := errs.ToAggregate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("params %+v: error %v, want %q", tt.p, err, tt.want)
		}
	}
}

func TestMetricProbeMatchesLabels(t *testing.T) {
	t.Parallel()
	a := build(t, "metric", Common{Name: "q", From: "a", Within: s(1)}, &MetricParams{Component: "kube-controller-manager",
		Metric: "workqueue_depth", Labels: map[string]string{"name": "garbage.*"}, Op: "<", Value: 1})
	p := a.(Prober).Probe().Metric
	if !p.Match(map[string]string{"name": "garbagecollector"}) || p.Match(map[string]string{"name": "xgarbage"}) || p.Match(nil) {
		t.Fatal("label regular expressions must match whole values")
	}
}

// dnsAnswers records one DNS answer of probe "dns" every 0.5s.
func (b *tl) dnsAnswers(from, to float64, ok func(at float64) bool) *tl {
	for at := from; at <= to; at += 0.5 {
		d := &timeline.DNS{Probe: "dns", Name: "kubernetes.default.svc.cluster.local.", Server: "10.96.0.10", Sender: "node cp", OK: ok(at)}
		if d.OK {
			d.Addresses = []string{"10.96.0.1"}
		} else {
			d.Error = "no answer from 10.96.0.10 within 1s"
		}
		b.add(at, timeline.Event{Type: timeline.DNSProbed, DNS: d})
	}
	return b
}

func TestDNSResolves(t *testing.T) {
	t.Parallel()
	always := func(float64) bool { return true }
	params := &DNSResolvesParams{Name: "kubernetes.default.svc.cluster.local"}
	runVerdicts(t, "dnsResolves", Common{Name: "dns", From: "kill.end", Within: s(10)}, params, []verdictCase{
		{"resolving in the window passes", new(tl).mark(10, "kill.end").dnsAnswers(10, 25, always), 21, Passed,
			[]string{"DNS name kubernetes.default.svc.cluster.local. at 10.96.0.10 from node cp available 100.0% of 21 probes in the 10s after kill.end"}},
		{"not resolving fails with the error", new(tl).mark(10, "kill.end").dnsAnswers(10, 25, func(at float64) bool { return at > 18 }), 21, Failed,
			[]string{"available 19.0% of 21 probes", "first unanswered 0.0s after kill.end: no answer from 10.96.0.10 within 1s"}},
	})
	runVerdicts(t, "dnsResolves", Common{Name: "dns", From: "kill.start", Until: "kill.end"}, params, []verdictCase{
		{"invariant: one failure fails (min 100)", new(tl).mark(5, "kill.start").dnsAnswers(5, 20, func(at float64) bool { return at != 12 }).mark(20, "kill.end"), 21, Failed,
			[]string{"in the window kill.start to kill.end (SLO at least 100.0%); first unanswered 7.0s after kill.start"}},
		{"invariant: all answered passes", new(tl).mark(5, "kill.start").dnsAnswers(5, 20, always).mark(20, "kill.end"), 21, Passed, nil},
		{"invariant: pending until the window ends", new(tl).mark(5, "kill.start").dnsAnswers(5, 20, always), 21, Pending, nil},
	})
}

func TestDNSResolvesRejectsBadParams(t *testing.T) {
	t.Parallel()
	for _, p := range []DNSResolvesParams{{}, {Name: "a b"}, {Name: "x.y", Server: "dns"}, {Name: "x.y", Expect: "1.2.3"},
		{Name: "x.y", Via: &Sender{}}, {Name: "x.y", Via: &Sender{Node: "cp", Namespace: "x"}}, {Name: "x.y", Via: &Sender{Namespace: "x"}}} {
		if _, errs := dnsResolvesSpec.New(Common{Name: "x", Within: s(1)}, &p); errs == nil {
			t.Errorf("params %+v accepted", p)
		}
	}
}

func TestHTTPAvailableInvariantAndSenders(t *testing.T) {
	t.Parallel()
	params := &HTTPAvailableParams{URL: "http://172.18.0.100:8080/", Via: &Sender{Node: "worker"}}
	a := build(t, "httpAvailable", Common{Name: "vip", From: "cut.start", Until: "cut.end"}, params)
	p := a.(Prober).Probe().HTTP
	if p.URL != "http://172.18.0.100:8080/" || p.Sender.Node != "worker" || p.Interval != s(1) {
		t.Fatalf("probe %+v: want the URL from node worker every 1s", *p)
	}
	runVerdicts(t, "httpAvailable", Common{Name: "vip", From: "cut.start", Until: "cut.end"}, params, []verdictCase{
		{"answered throughout passes", new(tl).mark(10, "cut.start").probes(10, 30, func(float64) bool { return true }).mark(30, "cut.end"), 31, Passed,
			[]string{"available 100.0% of 41 probes in the window cut.start to cut.end (SLO at least 100.0%)"}},
		{"one unanswered probe fails with its time", new(tl).mark(10, "cut.start").probes(10, 30, func(at float64) bool { return at != 21 }).mark(30, "cut.end"), 31, Failed,
			[]string{"first unanswered 11.0s after cut.start: connection refused"}},
	})
	for _, bad := range []HTTPAvailableParams{{URL: "ftp://x"}, {URL: "http://x", NodePort: 30000}, {URL: "-oops"}, {URL: "http://x", Via: &Sender{Namespace: "n"}},
		{URL: "http://x", Via: &Sender{Node: "x y"}}, {URL: "http://x", Via: &Sender{Node: "cp"}, Interval: "100ms"}} {
		if _, errs := httpAvailableSpec.New(Common{Name: "x", Within: s(10)}, &bad); errs == nil {
			t.Errorf("params %+v accepted", bad)
		}
	}
}

// logLines records matching lines of probe "log" observed at `at`,
// written (runtime timestamp) at `written`.
func (b *tl) logLine(at, written float64, text string) *tl {
	return b.add(at, timeline.Event{Type: timeline.LogMatched, Log: &timeline.LogLine{Probe: "log", Namespace: "kube-system",
		Pod: "kube-controller-manager-cp", Container: "kube-controller-manager", Time: base.Add(s(written)), Line: text}})
}

func TestLogLine(t *testing.T) {
	t.Parallel()
	present := &LogLineParams{Workload: clusters.Workload{Component: "kube-controller-manager"}, Regex: "successfully acquired lease"}
	runVerdicts(t, "logLine", Common{Name: "log", From: "kill.end", Within: s(30)}, present, []verdictCase{
		{"a line in the window passes, dated by the runtime", new(tl).mark(10, "kill.end").logLine(25, 24.5, "I1 successfully acquired lease kube-system/kube-controller-manager"), 26, Passed,
			[]string{`log line matching "successfully acquired lease" of component kube-controller-manager written 14.5s after kill.end`}},
		{"a line written before the moment does not count", new(tl).logLine(5, 4, "successfully acquired lease").mark(10, "kill.end"), 46, Failed,
			[]string{"no log line matching"}},
		{"pending a while after the window for lines sent late", new(tl).mark(10, "kill.end"), 42, Pending, nil},
		{"a line written in time and received late still counts", new(tl).mark(10, "kill.end").logLine(43, 39, "successfully acquired lease"), 50, Passed,
			[]string{"written 29.0s after"}},
		{"a line received after the settling time does not", new(tl).mark(10, "kill.end").logLine(46, 39, "successfully acquired lease"), 50, Failed, nil},
		{"an outage at the window's end is waited for", new(tl).mark(10, "kill.end").outage(38, 0), 60, Pending, nil},
		{"lines after the outage's relist count", new(tl).mark(10, "kill.end").outage(38, 60).logLine(62, 39, "successfully acquired lease"), 70, Passed, nil},
	})
	absent := &LogLineParams{Workload: clusters.Workload{Component: "kube-controller-manager"}, Regex: "fatal error", Absent: true}
	runVerdicts(t, "logLine", Common{Name: "log", From: "kill.start", Until: "kill.end"}, absent, []verdictCase{
		{"no such line in the window passes", new(tl).logLine(5, 4, "fatal error: old").mark(10, "kill.start").mark(30, "kill.end"), 36, Passed,
			[]string{`no log line matching "fatal error" of component kube-controller-manager in the window kill.start to kill.end`}},
		{"a line in the window fails at once with its time", new(tl).mark(10, "kill.start").logLine(21, 20, "fatal error: concurrent map writes"), 22, Failed,
			[]string{"written 10.0s after kill.start, in the window kill.start to kill.end: kube-system/kube-controller-manager-cp kube-controller-manager: fatal error: concurrent map writes"}},
		{"pending until the window ends and settles", new(tl).mark(10, "kill.start").mark(30, "kill.end"), 33, Pending, nil},
	})
}

// node records an observation of Node name.
func (b *tl) node(at float64, name string, ready bool) *tl {
	return b.add(at, timeline.Event{Type: timeline.NodeObserved, Action: timeline.Updated, Node: &timeline.Node{Name: name, Ready: ready}})
}

func TestNodeReady(t *testing.T) {
	t.Parallel()
	const w = "h-worker"
	params := &NodeReadyParams{Node: "worker"}
	runVerdicts(t, "nodeReady", Common{Name: "nodes", From: "kubelet.end", Within: s(60)}, params, []verdictCase{
		{"Ready with its kubelet renewing after the moment passes", new(tl).node(1, w, true).node(1, "h-control-plane", false).nodeLeaseOf(5, 5, w).
			mark(10, "kubelet.end").node(30, w, false).nodeLeaseOf(40, 39.5, w).node(41, w, true), 42, Passed,
			[]string{"node worker Ready 31.0s after kubelet.end (SLO 1m0s): 1 nodes Ready"}},
		// The kubelet stays down: the Node still says Ready (the node
		// monitor waits 40s), but its Lease is never renewed.
		{"a stale Ready without renewals fails", new(tl).node(1, w, true).nodeLeaseOf(5, 5, w).mark(10, "kubelet.end"), 76, Failed,
			[]string{"not Ready within 1m0s after kubelet.end (last seen: node h-worker Ready, its kubelet has not renewed its node Lease since kubelet.end)"}},
		{"NotReady at the end fails", new(tl).node(1, w, false).mark(10, "kubelet.end").nodeLeaseOf(20, 20, w), 76, Failed,
			[]string{"last seen: node h-worker not Ready"}},
		{"no such node fails", new(tl).node(1, "h-control-plane", true).mark(10, "kubelet.end"), 76, Failed, []string{"last seen: no node worker"}},
	})
	runVerdicts(t, "nodeReady", Common{Name: "nodes", From: "cut.start", Until: "cut.end"}, &NodeReadyParams{}, []verdictCase{
		{"Ready throughout passes", new(tl).node(1, w, true).node(1, "h-control-plane", true).mark(10, "cut.start").mark(30, "cut.end"), 36, Passed,
			[]string{"every node Ready throughout"}},
		{"NotReady in the window fails with its time", new(tl).node(1, w, true).mark(10, "cut.start").node(22, w, false), 23, Failed,
			[]string{"every node violated 12.0s after cut.start", "node h-worker not Ready"}},
	})
}

func TestNodeNameMatcher(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ref, name string
		want      bool
	}{
		{"worker", "h-worker", true}, {"worker", "h-worker2", true}, {"worker", "h-control-plane", false},
		{"worker2", "h-worker2", true}, {"worker2", "h-worker", false}, {"worker1", "h-worker", true},
		{"control-plane", "h-control-plane", true}, {"h-worker2", "h-worker2", true}, {"h-worker2", "h-worker", false}, {"", "x", true},
	} {
		if got := nodeNameMatcher(tt.ref)(tt.name); got != tt.want {
			t.Errorf("%q matches %q: %v, want %v", tt.ref, tt.name, got, tt.want)
		}
	}
}
