package timeline

// The named moments of a run, recorded as MarkReached events. Assertions
// measure from them (`from:`), moment triggers wait for them, and reports
// draw them. Every name a run records is built here.
const (
	// RunStart is the first event of every run.
	RunStart = "run.start"
	// ClusterReady: the cluster answers and its client is connected.
	ClusterReady = "cluster.ready"
	// SteadyState: the steady-state checks start (the setup is done).
	SteadyState = "steady-state"
	// FaultsStart and FaultsEnd bracket the whole fault schedule.
	FaultsStart = "faults.start"
	FaultsEnd   = "faults.end"
)

// FaultStart is the moment a fault was injected ("<fault>.start").
func FaultStart(fault string) string { return fault + ".start" }

// FaultEnd is the moment a fault's revert finished ("<fault>.end"); it is
// not recorded for a fault that failed to inject.
func FaultEnd(fault string) string { return fault + ".end" }

// Armed is the moment a fault's trigger started watching ("<fault>.armed").
func Armed(fault string) string { return fault + ".armed" }

// Triggered is the moment a fault's trigger fired ("<fault>.triggered").
func Triggered(fault string) string { return fault + ".triggered" }

// ProbeStarted is the moment the probe of an assertion acted, for example
// when a probe Deployment's scale-up was accepted ("probe/<assertion>").
func ProbeStarted(assertion string) string { return "probe/" + assertion }

// ProbeApplying is the moment the probe of an assertion began to act
// ("probe/<assertion>.applying"), before its first attempt: what it
// causes is observed after it, even when the apiserver answers the
// attempt after the watches saw the change.
func ProbeApplying(assertion string) string { return "probe/" + assertion + ".applying" }

// AssertionMoments are the moments an assertion of a scenario may name in
// `from` besides FaultStart and FaultEnd of its faults.
func AssertionMoments(faults []string) []string {
	out := []string{SteadyState, FaultsStart, FaultsEnd}
	for _, f := range faults {
		out = append(out, FaultStart(f), FaultEnd(f))
	}
	return out
}

// SteadyStateMoments are the moments a steady-state check may name in
// `from`; the first is the default.
var SteadyStateMoments = []string{SteadyState, RunStart}

// TriggerMoments are the moments a moment trigger of fault may wait for:
// the steady state, the start of the faults, and the start or end of any
// other fault.
func TriggerMoments(fault string, faults []string) []string {
	out := []string{SteadyState, FaultsStart}
	for _, f := range faults {
		if f != fault {
			out = append(out, FaultStart(f), FaultEnd(f))
		}
	}
	return out
}
