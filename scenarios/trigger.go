package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/harness-dev/harness/faults/trigger"
)

// TriggerEntry starts a fault on an event instead of at a time offset.
type TriggerEntry struct {
	Type   string
	Params any
	// Delay is waited between the event and the injection.
	Delay time.Duration
	// Timeout bounds the wait for the event (default: the run's timeout).
	Timeout time.Duration
	Trigger trigger.Trigger
	Line    int
}

type rawTrigger struct {
	Type    string    `yaml:"type"`
	Params  yaml.Node `yaml:"params"`
	Delay   string    `yaml:"delay"`
	Timeout string    `yaml:"timeout"`
}

// trigger checks the trigger of the fault raw (mapping n); faultNames are
// the names of all faults, for moment triggers.
func (d *decoder) trigger(n *yaml.Node, raw *rawFault, faultNames []string) *TriggerEntry {
	rt := raw.Trigger
	if rt == nil {
		return nil
	}
	tn := valueOf(n, "trigger", n)
	if raw.At != "" || raw.After != "" {
		d.at(tn, "fault %s has a trigger and at/after; expected either a trigger or at/after", raw.Name)
	}
	e := &TriggerEntry{Type: rt.Type, Line: tn.Line}
	e.Delay = d.duration(tn, "delay", rt.Delay)
	e.Timeout = d.duration(tn, "timeout", rt.Timeout)
	spec, ok := d.opts.LookupTrigger(rt.Type)
	if !ok {
		d.unknownType(tn, "trigger", rt.Type, d.opts.TriggerTypes())
		return nil
	}
	params, ok := d.params(&rt.Params, spec.NewParams, rt.Type)
	if !ok || d.errorsWithin(tn) {
		return nil
	}
	e.Params = params
	t, err := spec.New(params)
	if err != nil {
		d.at(errNode(tn, err), "trigger of fault %s: %v", raw.Name, err)
		return nil
	}
	if m, ok := trigger.MomentName(t); ok {
		d.checkMoment(errNode(tn, fmt.Errorf("params.moment: ")), raw.Name, m, faultNames)
	}
	e.Trigger = t
	return e
}

// checkMoment checks that a moment trigger names a moment of the scenario
// other than its own fault's.
func (d *decoder) checkMoment(n *yaml.Node, fault, moment string, faultNames []string) {
	var valid []string
	valid = append(valid, "steady-state", "faults.start")
	for _, f := range faultNames {
		if f != fault {
			valid = append(valid, f+".start", f+".end")
		}
	}
	if !slices.Contains(valid, moment) {
		d.at(n, "moment %q is not a moment that fault %s can wait for; valid: %s", moment, fault, strings.Join(valid, ", "))
	}
}
