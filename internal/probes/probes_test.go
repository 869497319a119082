package probes

import (
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/harness-dev/harness/assertions"
)

const exposition = `# HELP leader_election_master_status Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.
# TYPE leader_election_master_status gauge
leader_election_master_status{name="kube-controller-manager"} 1
# HELP workqueue_depth [ALPHA] Current depth of workqueue
# TYPE workqueue_depth gauge
workqueue_depth{name="garbage_collector_attempt_to_delete"} 0
workqueue_depth{name="garbage_collector_graph_changes"} 12
workqueue_depth{name="deployment"} 3
# TYPE rest_client_request_duration_seconds histogram
rest_client_request_duration_seconds_bucket{le="0.005"} 1
rest_client_request_duration_seconds_bucket{le="+Inf"} 4
rest_client_request_duration_seconds_sum 0.5
rest_client_request_duration_seconds_count 4
`

func TestParseExposition(t *testing.T) {
	t.Parallel()
	probe := func(metric string, match func(map[string]string) bool) assertions.MetricProbe {
		return assertions.MetricProbe{Metric: metric, Match: match}
	}
	gc := func(l map[string]string) bool { return strings.HasPrefix(l["name"], "garbage_collector_") }
	got, err := parseExposition([]byte(exposition), probe("workqueue_depth", gc), map[string]string{"pod": "p"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Labels["pod"] != "p" || got[0].Value+got[1].Value != 12 {
		t.Fatalf("samples %+v, want the two garbage collector queues (0 and 12) labelled pod=p", got)
	}
	got, _ = parseExposition([]byte(exposition), probe("rest_client_request_duration_seconds_count", nil), nil)
	if len(got) != 1 || got[0].Value != 4 {
		t.Fatalf("a histogram's _count: %+v", got)
	}
	got, err = parseExposition([]byte(exposition), probe("no_such_metric", nil), nil)
	if err != nil || len(got) != 0 {
		t.Fatalf("a missing metric: %+v %v, want no series", got, err)
	}
	if _, err := parseExposition([]byte("not { metrics"), probe("x", nil), nil); err == nil {
		t.Fatal("garbage parsed")
	}
}

func TestDNSMessages(t *testing.T) {
	t.Parallel()
	q, err := buildQuery(7, "kubernetes.default.svc.cluster.local.")
	if err != nil {
		t.Fatal(err)
	}
	var m dnsmessage.Message
	if err := m.Unpack(q); err != nil || len(m.Questions) != 1 || m.Questions[0].Type != dnsmessage.TypeA {
		t.Fatalf("query %+v %v", m, err)
	}
	name := m.Questions[0].Name
	answer := func(id uint16, rcode dnsmessage.RCode) []byte {
		a := dnsmessage.Message{Header: dnsmessage.Header{ID: id, Response: true, RCode: rcode}, Questions: m.Questions}
		if rcode == dnsmessage.RCodeSuccess {
			a.Answers = []dnsmessage.Resource{{Header: dnsmessage.ResourceHeader{Name: name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 5},
				Body: &dnsmessage.AResource{A: [4]byte{10, 96, 0, 1}}}}
		}
		b, err := a.Pack()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if addrs, err := parseAnswer(answer(7, dnsmessage.RCodeSuccess), 7); err != nil || len(addrs) != 1 || addrs[0] != "10.96.0.1" {
		t.Fatalf("answer: %v %v", addrs, err)
	}
	if _, err := parseAnswer(answer(7, dnsmessage.RCodeNameError), 7); err == nil || !strings.Contains(err.Error(), "NameError") {
		t.Fatalf("NXDOMAIN: %v", err)
	}
	if _, err := parseAnswer(answer(8, dnsmessage.RCodeSuccess), 7); err == nil {
		t.Fatal("an answer to another query accepted")
	}
	if _, err := parseAnswer([]byte("x"), 7); err == nil {
		t.Fatal("garbage accepted")
	}
}

// TestScriptsTakeValuesAsArguments: no value is spliced into a script.
func TestScriptsTakeValuesAsArguments(t *testing.T) {
	t.Parallel()
	argv := script(inContainerNetns, "abc;rm -rf /", "curl", "http://x")
	if argv[0] != "sh" || argv[2] != inContainerNetns || argv[4] != "abc;rm -rf /" || strings.Contains(argv[2], "abc") {
		t.Fatalf("argv %q", argv)
	}
}
