package timeline

import (
	"sort"
	"time"
)

// PodMatch chooses the Pods a question is about.
type PodMatch func(*Pod) bool

// KubeletStatusSync is the period of the kubelet's status manager: a Pod
// status update that failed while the kubelet could not reach the
// apiserver is sent again at most this long after it can.
const KubeletStatusSync = 10 * time.Second

// NodeLeaseNamespace holds the Lease each kubelet renews every 10s
// (kube-node-lease, KEP-589).
const NodeLeaseNamespace = "kube-node-lease"

// PodsAt returns the latest observed state of every matching Pod that
// exists at offset t, by namespace/name, as observed by t.
func (v *View) PodsAt(m PodMatch, t time.Duration) map[string]Event {
	out := map[string]Event{}
	for _, e := range v.events {
		if e.At > t {
			break
		}
		if e.Type != PodObserved || !m(e.Pod) {
			continue
		}
		if e.Action == Deleted {
			delete(out, e.Key())
			continue
		}
		out[e.Key()] = e
	}
	return out
}

// PodNodes returns the nodes the matching Pods run on at t, sorted.
func (v *View) PodNodes(m PodMatch, t time.Duration) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range v.PodsAt(m, t) {
		if n := e.Pod.NodeName; n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Freshness says from when the Pod statuses of some nodes, as the
// apiserver serves them, are the kubelets' own again after an outage.
type Freshness struct {
	// Outage is false when no outage started at or before the offset asked
	// about: the statuses were never stale.
	Outage bool
	// Renewed is when the last of the nodes' kubelets was seen renewing its
	// node Lease after the outage began; From is one status sync later.
	Renewed, From time.Duration
	// Known is false while a node's renewal has not been observed; WaitNode
	// then names it.
	Known    bool
	WaitNode string
}

// StatusFreshness answers, for the last apiserver outage that started at
// or before t: from when are the Pod statuses of nodes the kubelets' own
// again? During an outage a kubelet cannot report either, so what the
// recorder lists right after it is what the kubelet last reported before
// it: a Pod that went NotReady or restarted meanwhile still looks as
// before. A node's statuses count as fresh one kubelet status sync after
// the first renewal of its node Lease made after the outage began (one
// sync after the relist when its Lease is not recorded).
func (v *View) StatusFreshness(nodes []string, t time.Duration) Freshness {
	o, ok := v.lastOutage(t)
	if !ok {
		return Freshness{Known: true}
	}
	f := Freshness{Outage: true, Known: true}
	for _, node := range nodes {
		renewed, found := v.renewedAfter(node, o)
		if !found {
			return Freshness{Outage: true, WaitNode: node}
		}
		f.Renewed = max(f.Renewed, renewed)
	}
	if len(nodes) > 0 {
		f.From = f.Renewed + KubeletStatusSync
	}
	return f
}

// renewedAfter returns when the recorder saw node's Lease renewed by a
// renewal made after the outage began; for a node whose Lease it never
// recorded (its namespace not watched), one renewal period (10s, as long as
// a status sync) after the relist that followed the outage.
func (v *View) renewedAfter(node string, o Outage) (time.Duration, bool) {
	leaseSeen := false
	for _, e := range v.events {
		if e.Type != LeaseObserved || e.Lease.Namespace != NodeLeaseNamespace || e.Lease.Name != node {
			continue
		}
		leaseSeen = true
		if e.At >= o.Start && e.Lease.RenewTime.After(o.Wall) {
			return e.At, true
		}
	}
	if !leaseSeen && o.Relisted >= 0 {
		return o.Relisted + KubeletStatusSync, true
	}
	return 0, false
}

// NodeLeaseRenewPeriod is how often a kubelet renews its node Lease (the
// kubelet's default nodeLeaseDurationSeconds of 40 divided by four).
const NodeLeaseRenewPeriod = 10 * time.Second

// ReportedAfter returns when the kubelets of nodes are known to have
// reported what happened up to offset t: for each node, the first
// observation of its node Lease renewed either in the renew period before t
// (the kubelet was running then) or after t (it was stopped, and reports
// when it runs again). Nodes whose Lease is not recorded are skipped. ok is
// false, with the node, while no such observation exists.
func (v *View) ReportedAfter(nodes []string, t time.Duration) (at time.Duration, waitNode string, ok bool) {
	for _, node := range nodes {
		recorded, found := false, false
		for _, e := range v.events {
			if e.Type != LeaseObserved || e.Lease.Namespace != NodeLeaseNamespace || e.Lease.Name != node {
				continue
			}
			recorded = true
			renewed := e.At
			if !e.Wall.IsZero() {
				renewed = e.At - e.Wall.Sub(e.Lease.RenewTime)
			}
			if renewed > t || renewed >= t-NodeLeaseRenewPeriod-time.Second {
				at, found = max(at, e.At), true
				break
			}
		}
		if recorded && !found {
			return 0, node, false
		}
	}
	return at, "", true
}

// RestartsAt returns the restart count of every matching Pod that exists
// at offset t. A restart the recorder saw only later (the apiserver was
// down, the kubelet reported late) counts at t when the kubelet dates the
// container's last exit at or before t: the restart count of an
// observation includes exits up to its last exit only. (A timeline without
// wall times counts what it saw by t.)
func (v *View) RestartsAt(m PodMatch, t time.Duration) map[string]int32 {
	states := v.PodsAt(m, t)
	out := make(map[string]int32, len(states))
	for k, e := range states {
		out[k] = e.Pod.Restarts()
	}
	tWall, ok := v.WallAt(t)
	if !ok {
		return out
	}
	for _, e := range v.events {
		if e.At <= t || e.Type != PodObserved || !m(e.Pod) {
			continue
		}
		k := e.Key()
		st, known := states[k]
		exit := e.Pod.LastExit()
		if !known || st.Pod.UID != e.Pod.UID || exit.IsZero() || exit.After(tWall) {
			continue
		}
		out[k] = max(out[k], e.Pod.Restarts())
	}
	return out
}

// Restarts is the sum of the restart counts of the Pod's containers.
func (p *Pod) Restarts() int32 {
	var n int32
	for _, c := range p.Containers {
		n += c.RestartCount
	}
	return n
}

// LastExit is the latest exit of any container of the Pod.
func (p *Pod) LastExit() time.Time {
	var last time.Time
	for _, c := range p.Containers {
		if c.LastExit.After(last) {
			last = c.LastExit
		}
	}
	return last
}

// Interval is a span [Start, End) of the timeline; End is -1 while it has
// not ended by the view's Now.
type Interval struct {
	Start, End time.Duration
}

// Open reports whether the interval had not ended by Now.
func (i Interval) Open() bool { return i.End < 0 }

// ReadyIntervals returns the spans during which every matching Pod was
// Ready (at least one Pod existing), as observed, oldest first.
func (v *View) ReadyIntervals(m PodMatch) []Interval {
	var out []Interval
	states := map[string]bool{}
	ready := false
	for _, e := range v.events {
		if e.Type != PodObserved || !m(e.Pod) {
			continue
		}
		if e.Action == Deleted {
			delete(states, e.Key())
		} else {
			states[e.Key()] = e.Pod.Ready
		}
		all := len(states) > 0
		for _, r := range states {
			all = all && r
		}
		switch {
		case all && !ready:
			out = append(out, Interval{Start: e.At, End: -1})
		case !all && ready:
			out[len(out)-1].End = e.At
		}
		ready = all
	}
	return out
}

// PodObservedAfter reports whether a matching Pod was observed in (t, Now].
func (v *View) PodObservedAfter(m PodMatch, t time.Duration) bool {
	for _, e := range v.events {
		if e.At > t && e.Type == PodObserved && m(e.Pod) {
			return true
		}
	}
	return false
}
