package scenarios

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-dev/harness/faults/trigger"
	"github.com/harness-dev/harness/timeline"
)

// momentSet is the moments of a scenario, listed (for messages) and as a
// set (for checks).
type momentSet struct {
	list []string
	has  map[string]bool
}

func newMomentSet(list []string) *momentSet {
	m := &momentSet{list: list, has: make(map[string]bool, len(list))}
	for _, s := range list {
		m.has[s] = true
	}
	return m
}

// newMoments is the set of moments assertions may name, for the faults.
func newMoments(faultNames []string) *momentSet {
	var names []string
	for _, f := range faultNames {
		if f != "" {
			names = append(names, f)
		}
	}
	return newMomentSet(timeline.AssertionMoments(names))
}

// triggerValid tells whether a moment trigger of fault may wait for moment:
// one of the scenario's moments other than faults.end and the fault's own.
func (m *momentSet) triggerValid(fault, moment string) bool {
	return m.has[moment] && moment != timeline.FaultsEnd &&
		moment != timeline.FaultStart(fault) && moment != timeline.FaultEnd(fault)
}

// triggerChoices lists the moments a moment trigger of fault may wait for,
// as choices does, without building the whole list.
func (m *momentSet) triggerChoices(fault string) string {
	var names []string
	more := 0
	for _, s := range m.list {
		switch {
		case !m.triggerValid(fault, s):
		case len(names) < MaxChoices:
			names = append(names, s)
		default:
			more++
		}
	}
	if more > 0 {
		return choices(names) + fmt.Sprintf(", ... (%d more)", more)
	}
	return choices(names)
}

// waitsFor is what a fault waits for before it starts: the fault it comes
// after, or the fault whose moment its trigger waits for.
type waitsFor struct {
	fault string // the fault waited for
	why   string // "after b", "trigger b.start"
	node  *yaml.Node
}

// checkCycles refuses faults that wait for each other (through after and
// moment triggers): none of them would ever start, and the run would only
// end at its timeout. Each cycle is reported once, at the fault of the
// cycle declared first, with the cycle named.
func (d *decoder) checkCycles(list *yaml.Node, entries []FaultEntry) {
	index := make(map[string]int, len(entries))
	for i, e := range entries {
		index[e.Name] = i
	}
	waits := make([]*waitsFor, len(entries))
	for i, e := range entries {
		n := item(list, i)
		switch {
		case e.After != "":
			waits[i] = &waitsFor{e.After, "after " + e.After, valueOf(n, "after", n)}
		case e.Trigger != nil:
			m, ok := trigger.MomentName(e.Trigger.Trigger)
			f, _, cut := strings.Cut(m, ".")
			if _, known := index[f]; ok && cut && known {
				waits[i] = &waitsFor{f, "trigger " + m, fieldNode(valueOf(n, "trigger", n), "params.moment")}
			}
		}
	}
	// Each fault waits for at most one other: follow the chain from every
	// fault not yet visited; a chain that comes back to itself is a cycle.
	state := make([]int, len(entries)) // 0 new, 1 on the current chain, 2 done
	for start := range entries {
		var chain []int
		i := start
		for state[i] == 0 {
			state[i] = 1
			chain = append(chain, i)
			w := waits[i]
			if w == nil {
				break
			}
			i = index[w.fault]
		}
		if state[i] == 1 && waits[i] != nil {
			d.reportCycle(entries, waits, chain, i)
		}
		for _, c := range chain {
			state[c] = 2
		}
	}
}

// reportCycle reports the cycle of chain that starts at fault first.
func (d *decoder) reportCycle(entries []FaultEntry, waits []*waitsFor, chain []int, first int) {
	var cycle []int
	for k, c := range chain {
		if c == first {
			cycle = chain[k:]
			break
		}
	}
	at := cycle[0]
	for _, c := range cycle {
		at = min(at, c)
	}
	var steps []string
	for _, c := range cycle {
		steps = append(steps, fmt.Sprintf("%s waits for %s", entries[c].Name, strings.TrimPrefix(waits[c].why, "after ")))
	}
	d.at(waits[at].node, "faults wait for each other in a cycle (%s), so none of them would ever start; expected each fault to wait only for faults that do not wait for it",
		strings.Join(steps, ", "))
}
