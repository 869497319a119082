package trigger

import (
	"context"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// MomentParams are the parameters of the moment trigger.
type MomentParams struct {
	Moment string `yaml:"moment" doc:"a moment of the run: steady-state, faults.start, or another fault's <fault>.start or <fault>.end"`
}

var momentSpec = Spec{
	Type:      "moment",
	Doc:       "a moment of the run is reached, such as another fault starting (<fault>.start) or ending (<fault>.end)",
	NewParams: func() any { return &MomentParams{} },
	New: func(params any) (Trigger, field.ErrorList) {
		p := params.(*MomentParams)
		if p.Moment == "" {
			return nil, field.ErrorList{field.Required(field.NewPath("params", "moment"), "a moment such as steady-state or <fault>.end")}
		}
		return &moment{name: p.Moment}, nil
	},
}

type moment struct{ name string }

// MomentName returns the moment a moment trigger waits for, so that the
// scenario decoder can check it names a moment of the scenario.
func MomentName(t Trigger) (string, bool) {
	m, ok := t.(*moment)
	if !ok {
		return "", false
	}
	return m.name, true
}

func (m *moment) Wait(ctx context.Context, env Env) (Fired, error) {
	env.armed()
	at, err := env.Timeline.WaitMark(ctx, m.name)
	if err != nil {
		return Fired{}, err
	}
	return fired(env.Timeline.Start().Add(at), "moment "+m.name), nil
}
