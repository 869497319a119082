package assertions

import (
	"net/netip"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// DNSResolvesParams are the parameters of dnsResolves.
type DNSResolvesParams struct {
	Name     string  `yaml:"name" doc:"the fully qualified name to resolve, e.g. kubernetes.default.svc.cluster.local (no search path)"`
	Server   string  `yaml:"server" doc:"IP address of the DNS server (default: the cluster DNS, Service kube-system/kube-dns)"`
	Via      *Sender `yaml:"via" doc:"where the query is sent from: node (name or role) or namespace + selector (a Pod's network namespace); default control-plane"`
	Expect   string  `yaml:"expect" doc:"an address the answer must contain (default: any A record)"`
	Min      float64 `yaml:"min" doc:"minimum share of answered queries in percent over the window (default 99, or 100 with during)"`
	Interval string  `yaml:"interval" doc:"time between queries (default 1s, at least 500ms)"`
}

// DNSProbe asks Server (the cluster DNS when empty) for the A records of
// Name every Interval, over UDP from inside Sender (a node, or a Pod's
// network namespace); an answer counts when it has an address (Expect,
// when set).
type DNSProbe struct {
	Name, Server, Expect string
	Sender               Sender
	Interval             time.Duration
}

var dnsResolvesSpec = Spec{
	Type: "dnsResolves",
	Doc: "a name resolves through the cluster's DNS (or a given server), asked from a node or a Pod's network namespace, for at least " +
		"min percent of the queries in the window (moment to moment + within, or the `during` window)",
	Invariant: true,
	NewParams: func() any { return &DNSResolvesParams{} },
	New:       newDNSResolves,
}

func newDNSResolves(c Common, params any) (Assertion, field.ErrorList) {
	p := *params.(*DNSResolvesParams)
	path := field.NewPath("params")
	var errs field.ErrorList
	if msgs := validation.IsDNS1123Subdomain(strings.TrimSuffix(p.Name, ".")); len(msgs) > 0 {
		errs = append(errs, field.Invalid(path.Child("name"), p.Name, "not a DNS name, e.g. kubernetes.default.svc.cluster.local"))
	}
	if p.Server != "" {
		if _, err := netip.ParseAddr(p.Server); err != nil {
			errs = append(errs, field.Invalid(path.Child("server"), p.Server, "not an IP address"))
		}
	}
	if p.Expect != "" {
		if _, err := netip.ParseAddr(p.Expect); err != nil {
			errs = append(errs, field.Invalid(path.Child("expect"), p.Expect, "not an IP address"))
		}
	}
	probe := DNSProbe{Name: strings.TrimSuffix(p.Name, ".") + ".", Server: p.Server, Expect: p.Expect, Sender: Sender{Node: clusters.RoleControlPlane}}
	if p.Via != nil {
		probe.Sender = *p.Via
		errs = append(errs, p.Via.validate(path.Child("via"), false)...)
	}
	min, merrs := minPercent(path.Child("min"), c, p.Min)
	interval, ierrs := probeInterval(path.Child("interval"), p.Interval, time.Second, 500*time.Millisecond)
	if errs = append(append(errs, merrs...), ierrs...); len(errs) > 0 {
		return nil, errs
	}
	probe.Interval = interval
	a := &dnsResolves{probe: probe}
	a.j = availabilityJudge{c: c, min: min, what: "DNS name", answers: a.answers}
	return a, nil
}

type dnsResolves struct {
	probe DNSProbe
	j     availabilityJudge
}

// Probe asks for the DNS queries.
func (a *dnsResolves) Probe() Probe { p := a.probe; return Probe{DNS: &p} }

func (a *dnsResolves) Evaluate(v *timeline.View) Verdict { return a.j.judge(v) }

func (a *dnsResolves) answers(v *timeline.View, from, to time.Duration) []answer {
	var out []answer
	for _, e := range v.ProbeEvents(timeline.DNSProbed, a.j.c.Name, from, to) {
		d := e.DNS
		out = append(out, answer{at: e.At, ok: d.OK, target: d.Name + " at " + d.Server + " from " + d.Sender, err: d.Error})
	}
	return out
}
