package assertions

import (
	"fmt"
	"time"

	"github.com/harness-dev/harness/internal/timeline"
)

// kubeletSync is the period of the kubelet's status manager: a Pod status
// update that failed while the kubelet could not reach the apiserver is
// sent again at most this long after it can.
const kubeletSync = 10 * time.Second

// nodeLeaseNamespace holds the Lease each kubelet renews every 10s.
const nodeLeaseNamespace = "kube-node-lease"

// statusFreshAt returns the offset from which the Pod statuses of the given
// nodes, as the apiserver serves them at now, are the kubelets' own again
// after the last apiserver outage that started at or before t, as far as
// the timeline shows up to now. During an outage a kubelet cannot report
// either, so what the recorder lists right after it is what the kubelet
// last reported before it: a Pod that went NotReady or restarted meanwhile
// still looks as before. A node's statuses
// count as fresh one kubelet status sync after the first renewal of its
// node Lease made after the outage began (after the relist when its Lease
// is not recorded). It returns ok false, with the node, while that renewal
// or relist has not been observed. Without an outage it returns 0.
func statusFreshAt(events []timeline.Event, nodes []string, t, now time.Duration) (at time.Duration, waitFor string, ok bool) {
	outage, seen := lastOutage(events, t)
	if !seen {
		return 0, "", true
	}
	for _, node := range nodes {
		renewed, found := renewedAfter(events, node, outage, now)
		if !found {
			return 0, node, false
		}
		at = max(at, renewed+kubeletSync)
	}
	return at, "", true
}

// lastOutage returns the start of the last outage at or before t.
func lastOutage(events []timeline.Event, t time.Duration) (timeline.Event, bool) {
	var last timeline.Event
	seen := false
	for _, e := range events {
		if e.At > t {
			break
		}
		if e.Type == timeline.OutageStarted {
			last, seen = e, true
		}
	}
	return last, seen
}

// renewedAfter returns when the recorder saw node's Lease renewed by a
// renewal made after the outage began; for a node whose Lease it never
// recorded (namespaces not watched), one renewal period (10s, the same as
// the status sync) after the relist that followed the outage.
func renewedAfter(events []timeline.Event, node string, outage timeline.Event, now time.Duration) (time.Duration, bool) {
	leaseSeen, relisted := false, time.Duration(-1)
	for _, e := range events {
		if e.At > now {
			break
		}
		if e.Type == timeline.Relisted && e.At > outage.At && relisted < 0 {
			relisted = e.At
		}
		if e.Type != timeline.LeaseObserved || e.Lease.Namespace != nodeLeaseNamespace || e.Lease.Name != node {
			continue
		}
		leaseSeen = true
		if e.At >= outage.At && e.Lease.RenewTime.After(outage.Wall) {
			return e.At, true
		}
	}
	if !leaseSeen && relisted >= 0 {
		return relisted + kubeletSync, true
	}
	return 0, false
}

// nodesOf returns the nodes the matched Pods run on at now.
func (m podMatcher) nodesOf(events []timeline.Event, now time.Duration) []string {
	var out []string
	seen := map[string]bool{}
	states := m.podStates(events, now)
	for _, k := range sortedKeys(states) {
		n := states[k].Pod.NodeName
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// freshness returns the offset from which the statuses of m's Pods on
// nodes are the kubelets' own again after the last outage at or before t
// (statusFreshAt), and, while that is unknown or still after now, what a
// verdict waits for; why is "" once they can be judged.
func (m podMatcher) freshness(events []timeline.Event, nodes []string, t, now time.Duration) (fresh time.Duration, why string) {
	fresh, node, ok := statusFreshAt(events, nodes, t, now)
	switch {
	case !ok:
		return 0, fmt.Sprintf("waiting for the kubelet of node %s to renew its Lease after the apiserver outage, so %s show their current status", node, m.describe)
	case now < fresh:
		return fresh, fmt.Sprintf("waiting %s after the kubelets reported again for the Pod statuses they send late (%s)", kubeletSync, m.describe)
	}
	return fresh, ""
}
