package scenarios

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// invalidFiles maps each file of testdata/invalid to every problem Load must
// report for it, each as "LINE:COL: start of the message", in file order.
var invalidFiles = map[string][]string{
	"empty.yaml":     {"1:1: empty file; expected a Scenario document"},
	"malformed.yaml": {"8:1: malformed YAML: did not find expected ',' or '}'"},
	"not-mapping.yaml": {
		"1:1: the document is a list; expected a mapping",
	},
	"top-level.yaml": {
		`1:13: apiVersion "harness.dev/v1" not supported; expected harness.dev/v1alpha1`,
		`2:7: kind "Scenaro" not supported; expected Scenario`,
		"4:3: metadata.name missing; expected a name",
		`5:1: field "spec" not valid in a scenario; valid fields: apiVersion, kind, metadata, parameters, cluster, setup, steadyState, faults, assertions`,
	},
	"parameters.yaml": {
		`8:14: parameter variant: default "broken" is not one of its values; expected one of bug, fixed`,
		`9:11: parameter name "variant" is used twice`,
		`10:11: parameter name "Bad_Name" not valid`,
		`12:5: field "defualt" not valid in a parameter; valid fields: name, values, default`,
	},
	"image-params.yaml": {
		`15:24: "${flag}" with the parameters' defaults: image "-o/etc/x" is not an image reference`,
		`15:35: image "${nope}": placeholder ${nope} is not a parameter of this scenario; its parameters: `,
		`15:68: "example/app:${variant}" with variant=--output=x: image "example/app:--output=x" is not an image reference`,
	},
	"waitfor-apiversions.yaml": {
		`7:34: waitFor apiVersion "../v1" not valid`,
		`8:34: waitFor apiVersion "EXAMPLE.com/V1" not valid`,
		`9:34: waitFor apiVersion "example.com/" not valid`,
		`10:38: waitFor apiVersion "v1" does not serve Deployment; expected apps/v1`,
		`11:14: waitFor kind "deployment" needs apiVersion (its status condition is waited for); did you mean "Deployment"?`,
		`12:29: waitFor name "a.b" not valid; expected an object name: a DNS-1035 label`,
	},
	"null-entries.yaml": {
		"6:5: empty entry (null) in list parameters",
		"11:7: empty entry (null) in list images",
		`12:7: image "BAD IMAGE" is not an image reference`,
		"14:6: empty entry (null) in list waitFor",
		`16:14: waitFor kind "Widget" needs apiVersion`,
		"18:5: empty entry (null) in list assertions",
		`23:58: field "bogus" not valid in the params of leaseHeld`,
	},
	"no-assertions.yaml": {"1:1: no assertions; expected at least one entry under assertions:"},
	"fault-fields.yaml": {
		`9:5: field "durration" not valid in a fault; valid fields: name, type, target, params, at, after, duration`,
		"10:5: fault notarget has no target; expected target:",
		`14:14: field "nod" not valid in target; valid fields: component, namespace, selector, node, container, process`,
		"15:5: fault type missing; valid types: kill, partition",
		`23:5: field "form" not valid in an assertion; valid fields: name, type, from, within, during, params`,
	},
	"types.yaml": {
		`7:11: unknown assertion type "leaseHelt"; valid types: leaseHeld, podsCreatable, componentReady, noCrashLoop`,
		`11:11: unknown fault type "partiton"; valid types: kill, partition`,
		`16:11: unknown assertion type "leaseHold"; valid types: leaseHeld, podsCreatable, componentReady, noCrashLoop`,
	},
	"durations.yaml": {
		`7:46: timeout "2 minutes" is not a duration; expected a positive number with a unit`,
		"9:5: fault cut (partition) has no duration; expected duration:",
		"15:15: fault type kill is instant and takes no duration; expected no duration field",
		`19:9: at "5 secs" is not a duration`,
		`20:15: duration "forever" is not a duration`,
		`24:15: duration "0s": expected more than zero`,
		`29:13: within "soon" is not a duration`,
		"31:5: assertion b has no within; expected within: the SLO",
		`38:13: within "-5s" is not a duration`,
	},
	"names.yaml": {
		`4:9: metadata.name "Bad_Name" not valid; expected lowercase letters, digits and '-'`,
		`14:12: after "cut" is not a fault declared before this one; valid: (none)`,
		`19:11: fault name "kill" is used twice; expected unique names`,
		`23:11: fault name "Kill_KCM" not valid`,
		`27:11: assertion name "lease" is used twice`,
		`37:11: assertion name "a" is used twice`,
		"42:5: assertion name missing",
	},
	"from.yaml": {
		`8:11: from "faults.end" is not a moment of this scenario; valid in steadyState: steady-state, run.start`,
		`19:11: from "cut.ends" is not a moment of this scenario; valid in assertions: steady-state, faults.start, faults.end, cut.start, cut.end`,
		"22:5: assertion b has no from; expected from: one of steady-state, faults.start",
	},
	"params.yaml": {
		`9:14: field "sig" not valid in the params of kill; valid fields: signal`,
		`13:22: fault boom: params.signal: Unsupported value: "BOOM": supported values: "KILL", "TERM"`,
		"17:22: params of kill: signal: wrong type: got a list; expected a string",
		`23:36: field "holder" not valid in the params of leaseHeld; valid fields: lease`,
		`29:17: params of podsCreatable: replicas: wrong type: got a string "many"; expected an integer`,
		"34:13: params of leaseHeld: wrong type: got a list; expected a mapping",
	},
	"cluster-setup.yaml": {
		`6:13: unknown cluster provider "docker"; valid providers: kind`,
		"7:12: workers -1: expected 0 to 5 worker nodes",
		`8:22: kubernetesVersion "1.35" not valid; expected a version such as v1.35.4`,
		"9:18: controlPlanes 7: expected 1 to 5 control-plane nodes (0 means 1)",
		`10:3: field "nodes" not valid in cluster; valid fields: provider, nodeImage`,
		`12:15: manifest "missing.yaml" not found; expected a file relative to the scenario's directory`,
		`14:14: waitFor kind "StatefulSet" needs apiVersion (its status condition is waited for); known kinds: Deployment, DaemonSet, Pod, Job, Service, CustomResourceDefinition`,
		"15:7: waitFor name missing",
	},
	"wrong-types.yaml": {
		"3:11: metadata: wrong type: got a list; expected a mapping",
		`5:12: cluster.workers: wrong type: got a string "two"; expected an integer`,
		"7:3: faults: wrong type: got a mapping; expected a list",
	},
	"triggers.yaml": {
		"10:14: fault a has a trigger and at/after; expected either a trigger or at/after",
		`14:63: trigger of fault b: params.on: Unsupported value: "renewed": supported values: "acquired", "lost"`,
		`18:46: moment "c.end" is not a moment that fault c can wait for; valid: steady-state, faults.start, a.start, a.end, b.start`,
		`22:21: unknown trigger type "logline"; valid types: moment, lease, podCondition, event, logLine`,
		`22:37: delay "soon" is not a duration`,
		`26:37: field "reasn" not valid in the params of event; valid fields: reason, namespace, object`,
	},
	"duplicate-keys.yaml": {
		`5:3: metadata.name: mapping key "name" already defined at line 4; expected each key once`,
	},
}

func TestDecodeInvalid(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(files) != len(invalidFiles) {
		t.Errorf("testdata/invalid has %d files, the table %d; keep them in step", len(files), len(invalidFiles))
	}
	for file, want := range invalidFiles {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", "invalid", file)
			_, err := Load(path)
			var list Errors
			if !errors.As(err, &list) {
				t.Fatalf("error %v (%T); want scenarios.Errors", err, err)
			}
			if len(list) != len(want) {
				t.Errorf("got %d problems, want %d:\n%v", len(list), len(want), err)
			}
			for i, w := range want {
				if i < len(list) && !strings.HasPrefix(list[i].Error(), path+":"+w) {
					t.Errorf("problem %d is\n  %s\nwant it to start with\n  %s:%s", i, list[i], path, w)
				}
			}
		})
	}
}
