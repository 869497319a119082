package scenarios

import (
	"fmt"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/faults/trigger"
)

// Options choose the fault and assertion types a scenario may use. The zero
// value (what Load and Decode use) takes the faults and assertions
// registries; tests set fake ones.
type Options struct {
	LookupFault     func(typ string) (faults.Spec, bool)
	FaultTypes      func() []string
	LookupAssertion func(typ string) (assertions.Spec, bool)
	AssertionTypes  func() []string
	LookupTrigger   func(typ string) (trigger.Spec, bool)
	TriggerTypes    func() []string
	// AllowManifestsOutside lets setup.manifests name files outside the
	// scenario's folder (absolute paths, "..", symbolic links leading out).
	// Off by default: a scenario from a pull request reads only its own
	// folder.
	AllowManifestsOutside bool
}

func (o Options) withDefaults() Options {
	if o.LookupFault == nil {
		o.LookupFault = faults.Lookup
	}
	if o.FaultTypes == nil {
		o.FaultTypes = faults.Types
	}
	if o.LookupAssertion == nil {
		o.LookupAssertion = assertions.Lookup
	}
	if o.AssertionTypes == nil {
		o.AssertionTypes = assertions.Types
	}
	if o.LookupTrigger == nil {
		o.LookupTrigger = trigger.Lookup
	}
	if o.TriggerTypes == nil {
		o.TriggerTypes = trigger.Types
	}
	return o
}

// Load reads and decodes a scenario file with the registered types.
func Load(path string) (*Scenario, error) { return Options{}.Load(path) }

// Decode decodes and validates a scenario document with the registered
// types; file names it in errors and anchors relative manifest paths. The
// error, if any, is Errors: every problem of the file with its position.
func Decode(file string, data []byte) (*Scenario, error) { return Options{}.Decode(file, data) }

// Load reads and decodes a scenario file (see ReadFile for what is
// refused before reading).
func (o Options) Load(path string) (*Scenario, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return o.Decode(path, data)
}

// Decode decodes and validates a scenario document. It never panics: a
// panic of the YAML library is an error of the file.
func (o Options) Decode(file string, data []byte) (sc *Scenario, err error) {
	d := &decoder{collector: collector{file: file}, opts: o.withDefaults()}
	defer func() {
		if p := recover(); p != nil {
			sc, err = nil, Errors{{File: file, Msg: fmt.Sprintf("cannot be decoded: %v", p)}}
		}
	}()
	sc = d.document(data)
	if err := d.errors(); err != nil {
		return nil, err
	}
	return sc, nil
}
