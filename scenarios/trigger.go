package scenarios

import (
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
	Type    string       `yaml:"type"`
	Params  yaml.Node    `yaml:"params"`
	Delay   durationText `yaml:"delay"`
	Timeout durationText `yaml:"timeout"`
}

// trigger checks the trigger of the fault raw (mapping n); moments are the
// scenario's, for moment triggers.
func (d *decoder) trigger(n *yaml.Node, raw *rawFault, moments *momentSet) *TriggerEntry {
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
	if !ok || d.problemsWithin(tn) {
		return nil
	}
	e.Params = params
	t, errs := spec.New(params)
	if len(errs) > 0 {
		d.fieldErrors(tn, "trigger of fault "+raw.Name, errs)
		return nil
	}
	if m, ok := trigger.MomentName(t); ok && !moments.triggerValid(raw.Name, m) {
		d.at(fieldNode(tn, "params.moment"), "moment %q is not a moment that fault %s can wait for; valid: %s", m, raw.Name, moments.triggerChoices(raw.Name))
	}
	e.Trigger = t
	return e
}
