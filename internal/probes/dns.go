package probes

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/timeline"
)

// ClusterDNS returns the address of the cluster's DNS: the ClusterIP of
// the Service kube-system/kube-dns (kubeadm's name for CoreDNS's Service).
func ClusterDNS(ctx context.Context, client kubernetes.Interface) (string, error) {
	svc, err := client.CoreV1().Services("kube-system").Get(ctx, "kube-dns", metav1.GetOptions{})
	if err != nil {
		return "", fmt.Errorf("find the cluster DNS (Service kube-system/kube-dns): %w", err)
	}
	if _, err := netip.ParseAddr(svc.Spec.ClusterIP); err != nil {
		return "", fmt.Errorf("the cluster DNS Service kube-system/kube-dns has no ClusterIP (%q)", svc.Spec.ClusterIP)
	}
	return svc.Spec.ClusterIP, nil
}

// DNS asks server for the A records of p.Name every p.Interval from the
// sender and records each answer on the timeline as probe name, until ctx
// ends. The query is built and the answer parsed here, on the host
// (golang.org/x/net/dns/dnsmessage); a constant Perl program in the node
// carries them over UDP, since the cluster DNS's ClusterIP is reachable
// only from inside the nodes, and a Pod's resolver asks it over UDP.
func DNS(ctx context.Context, tl *timeline.Timeline, name, server string, p assertions.DNSProbe, sd *sender) {
	timeout := max(p.Interval, time.Second)
	loop(ctx, p.Interval, func() {
		res := timeline.DNS{Probe: name, Name: p.Name, Server: server}
		addrs, where, err := query(ctx, sd, server, p.Name, timeout)
		if ctx.Err() != nil {
			return
		}
		res.Sender, res.Addresses = where, addrs
		switch {
		case err != nil:
			res.Error = err.Error()
		case len(addrs) == 0:
			res.Error = "the answer has no address"
		case p.Expect != "" && !slices.Contains(addrs, p.Expect):
			res.Error = fmt.Sprintf("the answer %s lacks %s", strings.Join(addrs, ", "), p.Expect)
		default:
			res.OK = true
		}
		tl.Add(timeline.Event{Type: timeline.DNSProbed, DNS: &res})
	})
}

// query sends one A query for name to server from the sender's place.
func query(ctx context.Context, sd *sender, server, name string, timeout time.Duration) (addrs []string, where string, err error) {
	pl, err := sd.place(ctx, false)
	if err != nil {
		return nil, "", err
	}
	id := uint16(rand.N(1 << 16))
	q, err := buildQuery(id, name)
	if err != nil {
		return nil, pl.desc, err
	}
	cctx, cancel := context.WithTimeout(ctx, timeout+5*time.Second)
	defer cancel()
	secs := strconv.FormatFloat(timeout.Seconds(), 'f', 3, 64)
	out, err := pl.run(cctx, bytes.NewReader(q), "perl", "-e", dnsOverUDP, server, secs)
	if err != nil {
		if strings.Contains(err.Error(), "has no running task") {
			_, _ = sd.place(ctx, true)
		}
		return nil, pl.desc, fmt.Errorf("%s", lastLine(err.Error()))
	}
	addrs, err = parseAnswer(out, id)
	return addrs, pl.desc, err
}

func buildQuery(id uint16, name string) ([]byte, error) {
	n, err := dnsmessage.NewName(name)
	if err != nil {
		return nil, fmt.Errorf("DNS name %q: %w", name, err)
	}
	m := dnsmessage.Message{
		Header:    dnsmessage.Header{ID: id, RecursionDesired: true},
		Questions: []dnsmessage.Question{{Name: n, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}},
	}
	return m.Pack()
}

// parseAnswer returns the A records of an answer to the query id.
func parseAnswer(b []byte, id uint16) ([]string, error) {
	var m dnsmessage.Message
	if err := m.Unpack(b); err != nil {
		return nil, fmt.Errorf("not a DNS answer: %w", err)
	}
	if m.Header.ID != id {
		return nil, fmt.Errorf("an answer to another query (ID %d, want %d)", m.Header.ID, id)
	}
	if m.Header.RCode != dnsmessage.RCodeSuccess {
		return nil, fmt.Errorf("DNS answer %s", m.Header.RCode)
	}
	var out []string
	for _, a := range m.Answers {
		if r, ok := a.Body.(*dnsmessage.AResource); ok {
			out = append(out, netip.AddrFrom4(r.A).String())
		}
	}
	return out, nil
}
