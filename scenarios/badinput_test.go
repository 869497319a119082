package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
)

// badInputs maps every file of testdata/bad-input (hostile or odd inputs,
// see its README.md) to the problems Load must report, each as
// "LINE:COL: start of the message" at the node that is wrong, in file order;
// nil means the input is legal and accepted (TestBadInputsAccepted checks
// that it means what it says).
var badInputs = map[string][]string{
	"01-empty.yaml": {
		"1:1: empty file; expected a Scenario document (apiVersion: harness.dev",
	},
	"02-comments-only.yaml": {
		"1:1: empty file; expected a Scenario document (apiVersion: harness.dev",
	},
	"03-malformed-flow.yaml": {
		"5:1: malformed YAML: did not find expected ',' or '}'",
	},
	"04-tab-indent.yaml": {
		"4:1: malformed YAML: found character that cannot start any token",
	},
	"05-dup-top-key.yaml": {
		`15:1: metadata: mapping key "metadata" already defined at line 3; expe`,
	},
	"06-dup-param-key.yaml": {
		`16:7: assertions[0].params.lease: mapping key "lease" already defined `,
	},
	"07-billion-laughs.yaml": {
		`5:1: field "x-bomb" not valid in a scenario; valid fields: apiVersion,`,
	},
	"08-alias-bomb-in-params.yaml": {
		`15:61: field "x" not valid in the params of leaseHeld; valid fields: l`,
	},
	"10-nul-bytes.yaml": {
		"2:8: control character U+0000 not allowed in YAML; expected text",
	},
	"11-latin1.yaml": {
		"5:19: byte 0xe9 is not UTF-8; expected a UTF-8 text file",
	},
	"12-utf16.yaml":    nil,
	"13-utf8-bom.yaml": nil,
	"14-wrong-apiversion.yaml": {
		`1:13: apiVersion "harness.dev/v1" not supported; expected harness.dev/`,
	},
	"15-wrong-kind.yaml": {
		`2:7: kind "scenario" not supported; expected Scenario`,
	},
	"16-apiversion-case.yaml": {
		`1:1: field "APIVersion" not valid in a scenario; did you mean "apiVers`,
	},
	"17-unknown-top.yaml": {
		`15:1: field "spec" not valid in a scenario; valid fields: apiVersion, `,
	},
	"18-unknown-metadata.yaml": {
		`5:3: field "namespace" not valid in metadata; valid fields: name, desc`,
	},
	"19-unknown-cluster.yaml": {
		`7:3: field "nodes" not valid in cluster; valid fields: provider, nodeI`,
	},
	"20-unknown-waitfor.yaml": {
		`7:37: field "timout" not valid in a waitFor entry; valid fields: kind,`,
	},
	"21-unknown-target.yaml": {
		`8:50: field "pod" not valid in target; valid fields: component, namesp`,
	},
	"22-unknown-trigger-field.yaml": {
		`12:7: field "dealy" not valid in trigger; valid fields: type, params, `,
	},
	"23-unknown-fault-param.yaml": {
		`9:28: field "sgnal" not valid in the params of kill; valid fields: sig`,
	},
	"24-unknown-assert-param.yaml": {
		`14:58: field "namespace" not valid in the params of leaseHeld; valid f`,
	},
	"25-unknown-fault-type.yaml": {
		`7:11: unknown fault type "kil"; valid types: kill, partition, pause, r`,
	},
	"26-unknown-trigger-type.yaml": {
		`9:21: unknown trigger type "leader"; valid types: moment, lease, podCo`,
	},
	"27-unknown-assert-type.yaml": {
		`11:11: unknown assertion type "leaseheld"; valid types: leaseHeld, pod`,
	},
	"28-dur-words.yaml": {
		`13:13: within "90 seconds" is not a duration; expected a positive numb`,
	},
	"29-dur-negative.yaml": {
		`9:15: duration "-30s" is not a duration; expected a positive number wi`,
	},
	"30-dur-zero.yaml": {
		`9:15: duration "0s": expected more than zero`,
		`14:13: within "0s": expected more than zero`,
	},
	"31-dur-overflow.yaml": {
		`13:13: within "9999999999999h" is not a duration; expected a positive `,
	},
	"32-dur-int.yaml": {
		`13:13: within "90" is not a duration; expected a positive number with `,
	},
	"33-dur-trigger-neg.yaml": {
		`9:68: delay "-1s" is not a duration; expected a positive number with a`,
	},
	"34-missing-target.yaml": {
		"6:5: fault kill-kcm has no target; expected target: with component, or",
	},
	"35-empty-target.yaml": {
		"8:13: fault kill-kcm has no target; expected target: with component, o",
	},
	"36-bad-component.yaml": {
		`8:25: fault kill-kcm: target.component: Unsupported value: "kube-contr`,
	},
	"37-component-and-selector.yaml": {
		`8:25: fault kill-kcm: target.component: Invalid value: "kube-controlle`,
	},
	"38-node-typo.yaml": {
		`8:20: fault part: target.node: Invalid value: "control-plain": not a n`,
	},
	"39-unknown-moment.yaml": {
		`12:11: from "kill-kmc.end" is not a moment of this scenario; valid in `,
	},
	"40-from-missing.yaml": {
		"10:5: assertion kcm-lease has no from; expected from: one of steady-st",
	},
	"41-dup-fault.yaml": {
		`9:11: fault name "kill-kcm" is used twice; expected unique names`,
	},
	"42-dup-assert-steady.yaml": {
		`15:11: assertion name "kcm-lease" is used twice; expected unique names`,
	},
	"43-trigger-cycle.yaml": {
		"9:46: faults wait for each other in a cycle (a waits for trigger b.sta",
	},
	"44-trigger-after-cycle.yaml": {
		"9:46: faults wait for each other in a cycle (b waits for trigger a.end",
	},
	"45-trigger-self-3cycle.yaml": {
		"9:46: faults wait for each other in a cycle (a waits for trigger c.end",
	},
	"46-after-forward.yaml": {
		`9:12: after "b" is not a fault declared before this one; valid: (none)`,
	},
	"47-after-self.yaml": {
		`9:12: after "kill-kcm" is not a fault declared before this one; valid:`,
	},
	"48-slo-no-fault.yaml": nil,
	"49-param-wrong-type-list.yaml": {
		"9:22: params of kill: signal: wrong type: got a list; expected a strin",
	},
	"50-params-is-list.yaml": {
		"14:13: params of leaseHeld: wrong type: got a list; expected a mapping",
	},
	"51-port-string.yaml": {
		`9:20: params of partition: port: wrong type: got a string "6443"; expe`,
	},
	"52-port-overflow.yaml": {
		`9:20: params of partition: port: wrong type: got a number "9999999..."`,
	},
	"53-port-range.yaml": {
		"9:20: fault part: params.port: Invalid value: 70000: not a TCP port (1",
		`9:38: fault part: params.serviceIP: Invalid value: "not-an-ip; reboot"`,
	},
	"54-multi-doc.yaml": {
		"15:1: a second YAML document; expected one Scenario per file (remove t",
	},
	"57-unreadable.yaml": nil, // its content is legal; TestLoadUnreadable makes it unreadable
	"58-manifest-escape.yaml": {
		`6:15: manifest "../../../../../../etc/passwd" leads out of the scenari`,
		`6:45: manifest "/etc/shadow" is an absolute path; expected a file insi`,
	},
	"59-manifest-missing.yaml": {
		`6:15: manifest "nope.yaml" not found; expected a file relative to the `,
		`6:26: manifest "manifests/" not found; expected a file relative to the`,
	},
	"60-image-arg-injection.yaml": {
		`6:12: image "-o/etc/cron.d/harness-pwn" is not an image reference (inv`,
		`6:41: image "--output=/etc/harness-pwned" is not an image reference (i`,
		"6:72: empty image; expected an image reference such as example/app:v1",
	},
	"61-process-injection.yaml": {
		`11:16: fault kill-app: target.process: Invalid value: "$(touch /pwned-`,
	},
	"62-component-injection.yaml": {
		`8:25: fault kill-kcm: target.component: Unsupported value: "kube-apise`,
	},
	"63-crd-injection.yaml": {
		`8:22: fault del: params.names[0]: Invalid value: "x; rm -rf / #": not `,
		`8:39: fault del: params.names[1]: Invalid value: "Widgets.Example.COM"`,
	},
	"64-selector-garbage.yaml": {
		`8:25: fault kill-kcm: target.namespace: Invalid value: "Bad NS": not a`,
		`8:45: fault kill-kcm: target.selector: Invalid value: "!!!=;": not a l`,
	},
	"65-workers-huge.yaml": {
		"6:12: workers 1000: expected 0 to 5 worker nodes (besides the control ",
	},
	"66-workers-negative.yaml": {
		"6:12: workers -1: expected 0 to 5 worker nodes (besides the control pl",
		`7:13: unknown cluster provider "minikube"; valid providers: kind`,
		`8:22: kubernetesVersion "1.35" not valid; expected a version such as v`,
	},
	"67-waitfor-kind.yaml": {
		"7:7: waitFor name missing; expected the name of the StatefulSet to wai",
		`7:14: waitFor kind "StatefulSet" needs apiVersion (its status condition `,
	},
	"68-params-default-bad.yaml": {
		`8:14: parameter variant: default "broken" is not one of its values; ex`,
		`9:11: parameter name "Variant" not valid; expected lowercase letters, `,
	},
	"69-trigger-and-at.yaml": {
		"10:14: fault kill-kcm has a trigger and at/after; expected either a tr",
	},
	"70-moment-faults-end.yaml": {
		`9:46: moment "kill-kcm.end" is not a moment that fault kill-kcm can wa`,
	},
	"71-regex-bad.yaml": {
		`9:73: trigger of fault kill-kcm: params.regex: Invalid value: "([a-z":`,
	},
	"72-lease-format.yaml": {
		`14:21: assertion kcm-lease: params.lease: Invalid value: "kube-control`,
	},
	"73-instant-with-duration.yaml": {
		"9:15: fault type kill is instant and takes no duration; expected no du",
	},
	"74-steady-from-fault.yaml": {
		`8:11: from "kill-kcm.end" is not a moment of this scenario; valid in s`,
	},
	"75-deep-nesting.yaml": {
		"5:1: malformed YAML: exceeded max depth of 10000",
	},
	"76-null-doc.yaml": {
		"1:1: empty file; expected a Scenario document (apiVersion: harness.dev",
	},
	"77-scalar-doc.yaml": {
		`1:1: the document is "hello"; expected a mapping (apiVersion: harness.`,
	},
	"78-list-doc.yaml": {
		"1:1: the document is a list; expected a mapping (apiVersion: harness.d",
	},
	"79-merge-key.yaml": nil,
	"80-custom-tag.yaml": {
		"13:13: tag !!binary not allowed; expected a plain value (an explicit t",
	},
	"81-yes-bool.yaml": nil,
	"82-crlf.yaml": {
		`7:11: unknown fault type "kil"; valid types: kill, partition, pause, r`,
	},
	"83-long-name.yaml": {
		"4:9: metadata.name is 300 characters long; expected at most 63 (lowerc",
	},
	"84-name-64.yaml": {
		"4:9: metadata.name is 64 characters long; expected at most 63 (lowerca",
	},
	"85-http-interval.yaml": {
		`14:41: assertion http: params.interval: Invalid value: "1ns": expected`,
	},
	"86-ten-year.yaml": {
		`9:15: duration "87600h" is too long; expected at most 24h (a run is bo`,
		`10:9: at "87600h" is too long; expected at most 24h (a run is bounded)`,
		`15:13: within "87600h" is too long; expected at most 24h (a run is bou`,
	},
	"87-hook-dangerous.yaml": nil,
	"88-undeclared-placeholder.yaml": {
		`6:15: manifest "undeclared-placeholder.manifest.yaml" line 4: placehol`,
	},
	"89-numeric-names.yaml": nil,
	"90-selector-kill-no-namespace.yaml": {
		"8:13: fault kill-kcm: target.namespace: Required value: a namespace go",
	},
	"91-network-latency-int.yaml": {
		`9:36: params of network: delay: wrong type: got an integer "200"; expe`,
	},
	"92-network-latency-sub-ms.yaml": {
		`9:36: fault net: params.delay: Invalid value: "500µs": latency needs a`,
	},
	"93-stable-bad.yaml": {
		`14:58: assertion kcm-lease: params.stable: Invalid value: "forever": e`,
	},
	"94-within-huge-stable.yaml": {
		`14:58: assertion kcm-lease: params.stable: Invalid value: "10m": expec`,
	},
	"95-max-negative.yaml": {
		"14:55: assertion kcm-lease: params.max: Invalid value: -1: expected 0 ",
	},
	"96-replicas-huge.yaml": {
		"14:24: assertion kcm-lease: params.replicas: Invalid value: 100000: wa",
	},
}

func TestBadInputs(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/bad-input/[0-9]*.yaml")
	if len(files) != len(badInputs) {
		t.Errorf("testdata/bad-input has %d scenario files, the table %d; keep them in step", len(files), len(badInputs))
	}
	for file, want := range badInputs {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", "bad-input", file)
			sc, err := Load(path)
			if want == nil {
				if err != nil || sc == nil {
					t.Fatalf("legal input refused:\n%v", err)
				}
				return
			}
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

// TestBadInputsAccepted checks that each legal odd input means exactly
// what it says.
func TestBadInputsAccepted(t *testing.T) {
	t.Parallel()
	load := func(t *testing.T, file string) *Scenario {
		t.Helper()
		sc, err := Load(filepath.Join("testdata", "bad-input", file))
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	killKCM := func(t *testing.T, sc *Scenario) {
		t.Helper()
		if sc.Metadata.Name != "qa" || len(sc.Faults) != 1 || sc.Faults[0].Name != "kill-kcm" ||
			sc.Faults[0].Target.Component != "kube-controller-manager" || len(sc.Assertions) != 1 ||
			sc.Assertions[0].Within.String() != "1m30s" || sc.Assertions[0].From != "kill-kcm.end" {
			t.Fatalf("decoded %+v", sc)
		}
	}
	t.Run("UTF-16 with a byte order mark", func(t *testing.T) { killKCM(t, load(t, "12-utf16.yaml")) })
	t.Run("UTF-8 byte order mark", func(t *testing.T) { killKCM(t, load(t, "13-utf8-bom.yaml")) })
	t.Run("merge key", func(t *testing.T) {
		sc := load(t, "79-merge-key.yaml")
		killKCM(t, sc)
		if sc.Assertions[0].Type != "leaseHeld" || sc.Assertions[0].Assertion == nil {
			t.Fatalf("merged assertion: %+v", sc.Assertions[0])
		}
	})
	t.Run("YAML 1.1 yes is true", func(t *testing.T) {
		sc := load(t, "81-yes-bool.yaml")
		if p, ok := sc.Faults[0].Params.(*faults.ExpireCertsParams); !ok || !p.Restart {
			t.Fatalf("params %#v; want restart true", sc.Faults[0].Params)
		}
		if sc.Faults[0].Target.Node != "" {
			t.Fatalf("target %+v; want the default node", sc.Faults[0].Target)
		}
	})
	t.Run("numeric name stays as written", func(t *testing.T) {
		if sc := load(t, "89-numeric-names.yaml"); sc.Metadata.Name != "007" {
			t.Fatalf("name %q; want 007", sc.Metadata.Name)
		}
	})
	t.Run("assertions without faults", func(t *testing.T) {
		sc := load(t, "48-slo-no-fault.yaml")
		if len(sc.Faults) != 0 || sc.Assertions[0].From != "faults.end" {
			t.Fatalf("decoded %+v", sc)
		}
	})
	t.Run("the hook is a shell command by design", func(t *testing.T) {
		sc := load(t, "87-hook-dangerous.yaml")
		p := sc.Faults[0].Params.(*faults.StaticPodsParams)
		if !strings.HasPrefix(p.Hook, "kill -9 1; rm -rf") || sc.Faults[0].Duration.String() != "10s" {
			t.Fatalf("params %+v", p)
		}
	})
	_ = assertions.Passed
}

// TestLoadSpecialFiles: paths that are not a scenario file are refused
// before they are read, and never block.
func TestLoadSpecialFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	writeBig(t, big, 60<<20)
	tests := []struct{ name, path, want string }{
		{"directory", "testdata/bad-input", "testdata/bad-input is a directory; expected a regular file"},
		{"missing", "testdata/bad-input/56-nonexistent.yaml", "no such file or directory"},
		{"FIFO", fifo, fifo + " is a FIFO; expected a regular file"},
		{"/dev/zero", "/dev/zero", "/dev/zero is a device; expected a regular file"},
		{"60 MB", big, "file too large: 62914656 bytes, the limit of 4194304 bytes (4 MiB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v; want %q", err, tt.want)
			}
		})
	}
}

// writeBig writes a scenario of about size bytes: a long description and
// an unknown field bogus (the 09-huge-file case).
func writeBig(t *testing.T, path string, size int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := "apiVersion: harness.dev/v1alpha1\nkind: Scenario\nmetadata:\n  name: qa\n  description: \""
	if _, err := f.WriteString(head + strings.Repeat("x", size) + "\"\nbogus: 1\n"); err != nil {
		t.Fatal(err)
	}
}
