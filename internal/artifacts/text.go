package artifacts

import (
	"bytes"
	"fmt"
	"time"

	"github.com/harness-dev/harness/timeline"
)

// EventsText lists the Kubernetes events of a timeline, one per line with
// its offset, between the run's marks (fault starts and ends) and the
// apiserver outages the recorder saw, so that each event is read in context.
func EventsText(events []timeline.Event) []byte {
	var b bytes.Buffer
	n := 0
	for _, e := range events {
		if k := e.Kube; e.Type == timeline.KubeEvent && k != nil {
			fmt.Fprintf(&b, "%s %-7s %s %s %s: %s\n", offset(e.At), k.Type, k.Namespace, k.Object, k.Reason, k.Message)
			n++
			continue
		}
		writeContext(&b, e)
	}
	fmt.Fprintf(&b, "# %d Kubernetes events\n", n)
	return b.Bytes()
}

// LeasesText is the history of every Lease: when it was first seen, each
// change of holder, of acquire time or of transitions, and its deletion,
// with the run's marks and outages; then the last renewal of each Lease.
func LeasesText(events []timeline.Event) []byte {
	var b bytes.Buffer
	last := map[string]timeline.Lease{}
	var order []string
	for _, e := range events {
		l := e.Lease
		if e.Type != timeline.LeaseObserved || l == nil {
			writeContext(&b, e)
			continue
		}
		key := l.Namespace + "/" + l.Name
		prev, seen := last[key]
		if !seen {
			order = append(order, key)
		}
		last[key] = *l
		switch {
		case e.Action == timeline.Deleted:
			fmt.Fprintf(&b, "%s lease %s deleted\n", offset(e.At), key)
		case !seen || prev.Holder != l.Holder || !prev.AcquireTime.Equal(l.AcquireTime) || prev.Transitions != l.Transitions:
			fmt.Fprintf(&b, "%s lease %s holder %q acquired %s transitions %d\n",
				offset(e.At), key, l.Holder, wall(l.AcquireTime), l.Transitions)
		}
	}
	for _, key := range order {
		l := last[key]
		fmt.Fprintf(&b, "# lease %s: last holder %q, last renewed %s, duration %ds\n", key, l.Holder, wall(l.RenewTime), l.DurationSecs)
	}
	return b.Bytes()
}

// writeContext writes the events that give the others their context: marks,
// outages and relists.
func writeContext(b *bytes.Buffer, e timeline.Event) {
	switch e.Type {
	case timeline.MarkReached:
		fmt.Fprintf(b, "%s --- %s\n", offset(e.At), e.Mark)
	case timeline.OutageStarted:
		fmt.Fprintf(b, "%s --- apiserver stopped answering the recorder %s\n", offset(e.At), e.Note)
	case timeline.OutageEnded:
		fmt.Fprintf(b, "%s --- apiserver answers the recorder again\n", offset(e.At))
	case timeline.Relisted:
		fmt.Fprintf(b, "%s --- recorder relisted after the outage\n", offset(e.At))
	}
}

func offset(d time.Duration) string { return fmt.Sprintf("%+8.1fs", d.Seconds()) }

func wall(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("15:04:05.000")
}
