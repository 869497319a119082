package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runIn(t, "", args...)
}

// runIn runs the command line with stdin as its standard input.
func runIn(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), args, Streams{In: strings.NewReader(stdin), Out: &stdout, Err: &stderr})
	if err != nil {
		stderr.WriteString(err.Error())
	}
	return stdout.String(), stderr.String(), ExitCode(err)
}

func TestUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: harness.dev/v1alpha1\nkind: Scenario\nmetadata: {name: x}\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	aFile := filepath.Join(dir, "a-file")
	if err := os.WriteFile(aFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	v135 := "../../scenarios/kill-controller-manager.yaml"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command given"},
		{"unknown command", []string{"explode"}, `unknown command "explode" for "harness"`},
		{"run without files", []string{"run"}, "requires at least 1 arg(s)"},
		{"run with a bad flag", []string{"run", "--nope", "x.yaml"}, "run: unknown flag: --nope"},
		{"run with a bad file costs no cluster", []string{"run", bad}, bad + `:4:1: field "bogus" not valid in a scenario`},
		{"validate a missing file", []string{"validate", "missing.yaml"}, "read scenario"},
		{"existing cluster needs consent", []string{"run", "--cluster", "prod", "x.yaml"}, "refusing to inject faults into cluster \"prod\""},
		{"list takes no arguments", []string{"list", "x"}, `unknown command "x" for "harness list"`},
		{"repeat at least once", []string{"run", "--repeat", "0", "x.yaml"}, "--repeat 0: expected 1 or more"},
		{"unknown output", []string{"run", "--output", "xml", "x.yaml"}, `--output "xml": valid outputs: text, json`},
		{"param needs a value", []string{"run", "--param", "variant", v135}, `--param "variant": expected NAME=VALUE`},
		{"param makes an image an option", []string{"validate", "--param", "image=-o/etc/x", "../../test/e2e/testdata/setup/setup-capabilities.yaml"},
			`setup-capabilities.yaml:16:12: "${image}" with the run's parameters: image "-o/etc/x" is not an image reference`},
		{"param given twice", []string{"run", "--param", "variant=bug", "--param", "variant=fixed", "../../scenarios/selfheal-hooks.yaml"}, `--param variant given twice ("bug" and "fixed"); expected each parameter once`},
		{"unknown param", []string{"run", "--param", "variant=bug", "../../scenarios/lease-loss.yaml"}, `scenario lease-loss has no parameter "variant"; its parameters: (none)`},
		{"param value not allowed", []string{"run", "--param", "variant=broken", "../../scenarios/selfheal-hooks.yaml"}, `parameter variant="broken" not allowed; valid values: bug, fixed`},
		{"validate checks params", []string{"validate", "--param", "variant=broken", "../../scenarios/selfheal-hooks.yaml"}, `parameter variant="broken" not allowed; valid values: bug, fixed`},
		{"negative timeout", []string{"run", "--timeout", "-5s", v135}, "--timeout -5s: expected a duration above zero and at most 24h"},
		{"zero timeout", []string{"run", "--timeout", "0s", v135}, "--timeout 0s: expected a duration above zero"},
		{"timeout of years", []string{"run", "--timeout", "87600h", v135}, "--timeout 87600h0m0s: expected a duration above zero and at most 24h"},
		{"report dir is a file", []string{"run", "--report-dir", aFile, v135}, "--report-dir " + aFile + " is a file; expected a directory"},
		{"node image is an option", []string{"run", "--node-image", "-o/etc/x", v135}, `--node-image: image "-o/etc/x" is not an image reference`},
		{"node image contradicts the version", []string{"validate", "--node-image", "kindest/node:v1.34.0", "../../scenarios/testdata/valid/full.yaml"},
			"full.yaml: --node-image: node image kindest/node:v1.34.0 holds Kubernetes v1.34.0 by its tag, but cluster.kubernetesVersion is v1.35.4"},
		{"stdin twice", []string{"validate", "-", "-"}, "'-' (standard input) given twice"},
		{"empty directory", []string{"validate", t.TempDir()}, "holds no *.yaml scenario file"},
		{"bad kubernetes version", []string{"run", "--kubernetes-version", "1.36", v135}, `--kubernetes-version "1.36": expected a release such as v1.35.4`},
		{"node image of another release", []string{"run", "--kubernetes-version", "v1.36.3", "--node-image", "harness.dev/kind-node:v1.35.4", v135},
			"--node-image harness.dev/kind-node:v1.35.4 holds Kubernetes v1.35.4, but --kubernetes-version is v1.36.3"},
		{"compare wants two results", []string{"compare", "a.json"}, "compare: want two results"},
		{"compare a missing file", []string{"compare", "a.json", "b.json"}, "compare: stat a.json"},
		{"manifest outside the folder", []string{"validate", "../../scenarios/testdata/bad-input/58-manifest-escape.yaml"}, `leads out of the scenario's folder`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := runCLI(t, tt.args...)
			if code != ExitUsage || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

// TestHelpOnEveryCommand: -h and --help print the command's help on stdout
// and exit 0, for every command.
func TestHelpOnEveryCommand(t *testing.T) {
	t.Parallel()
	root := newRoot(env{Streams: Streams{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	cmds := [][]string{{}}
	for _, c := range root.Commands() {
		cmds = append(cmds, []string{c.Name()})
	}
	if len(cmds) < 11 { // the root, 8 commands, completion, help
		t.Fatalf("commands %v; want run, validate, list, cleanup, compare, merge, schema, version, completion, help", cmds)
	}
	for _, c := range cmds {
		for _, flag := range []string{"-h", "--help"} {
			stdout, stderr, code := runCLI(t, append(c, flag)...)
			if code != 0 || !strings.Contains(stdout, "Usage:") || stderr != "" {
				t.Errorf("harness %v %s: exit %d, stdout %q, stderr %q; want the help on stdout and exit 0", c, flag, code, stdout, stderr)
			}
		}
	}
	if stdout, _, code := runCLI(t, "help", "run"); code != 0 || !strings.Contains(stdout, "--report-dir") {
		t.Errorf("harness help run: exit %d\n%s", code, stdout)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		stdout, _, code := runCLI(t, args...)
		if code != 0 || !strings.HasPrefix(stdout, "harness ") || !strings.Contains(stdout, "harness.dev/v1alpha1") {
			t.Errorf("harness %v: exit %d, %q", args, code, stdout)
		}
	}
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish"} {
		stdout, _, code := runCLI(t, "completion", shell)
		if code != 0 || !strings.Contains(stdout, "harness") || len(stdout) < 1000 {
			t.Errorf("completion %s: exit %d, %d bytes", shell, code, len(stdout))
		}
	}
	stdout, _, code := runCLI(t, "__complete", "run", "--output", "")
	if code != 0 || !strings.Contains(stdout, "text\njson\n") {
		t.Errorf("completion of --output: exit %d\n%s", code, stdout)
	}
}

func TestValidateStockScenarios(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../../scenarios/*.yaml")
	stdout, stderr, code := runCLI(t, append([]string{"validate"}, files...)...)
	if code != 0 || strings.Count(stdout, ": valid") != len(files) {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestValidateDirectoryStdinAndFlagsAfterFiles: a directory means its
// *.yaml files in order, - reads standard input, and flags may follow the
// files.
func TestValidateDirectoryStdinAndFlagsAfterFiles(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../../scenarios/*.yaml")
	stdout, stderr, code := runCLI(t, "validate", "../../scenarios", "--param", "variant=bug")
	if code != ExitUsage || !strings.Contains(stderr, `has no parameter "variant"`) {
		t.Fatalf("a flag after a directory: exit %d\n%s%s", code, stdout, stderr)
	}
	stdout, stderr, code = runCLI(t, "validate", "../../scenarios/")
	if code != 0 || strings.Count(stdout, ": valid") != len(files) || !strings.HasPrefix(stdout, "../../scenarios/controller-manager-works.yaml: valid") {
		t.Fatalf("directory: exit %d\n%s%s", code, stdout, stderr)
	}
	doc, _ := os.ReadFile("../../scenarios/kill-controller-manager.yaml")
	stdout, stderr, code = runIn(t, string(doc), "validate", "-", "--node-image", "harness.dev/kind-node:v1.35.4")
	if code != 0 || stdout != "<stdin>: valid\n" {
		t.Fatalf("stdin: exit %d\n%s%s", code, stdout, stderr)
	}
	_, stderr, code = runIn(t, "kind: Scenario\n", "validate", "-")
	if code != ExitUsage || !strings.Contains(stderr, "<stdin>:1:1: apiVersion missing") {
		t.Fatalf("bad stdin: exit %d\n%s", code, stderr)
	}
}

// TestBadInputsExit2: every bad input exits 2 with FILE:LINE:COL and no
// cluster; the legal ones validate.
func TestBadInputsExit2(t *testing.T) {
	t.Parallel()
	legal := map[string]bool{"12-utf16.yaml": true, "13-utf8-bom.yaml": true, "48-slo-no-fault.yaml": true, "57-unreadable.yaml": true,
		"79-merge-key.yaml": true, "81-yes-bool.yaml": true, "87-hook-dangerous.yaml": true, "89-numeric-names.yaml": true}
	files, _ := filepath.Glob("../../scenarios/testdata/bad-input/[0-9]*.yaml")
	if len(files) < 90 {
		t.Fatalf("%d bad inputs", len(files))
	}
	for _, f := range files {
		stdout, stderr, code := runCLI(t, "validate", f)
		switch {
		case legal[filepath.Base(f)] && code != 0:
			t.Errorf("%s: exit %d; want it accepted\n%s", f, code, stderr)
		case !legal[filepath.Base(f)] && (code != ExitUsage || !strings.HasPrefix(stderr, f+":") || stdout != ""):
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and FILE:LINE:COL", f, code, stderr)
		}
	}
	for _, special := range []string{"../../scenarios/testdata", "/dev/zero", "missing.yaml"} {
		if _, stderr, code := runCLI(t, "validate", special); code != ExitUsage {
			t.Errorf("validate %s: exit %d, %s; want 2", special, code, stderr)
		}
	}
}

func TestSchemaCommand(t *testing.T) {
	t.Parallel()
	stdout, _, code := runCLI(t, "schema")
	var doc map[string]any
	if code != 0 || json.Unmarshal([]byte(stdout), &doc) != nil || doc["$id"] == nil {
		t.Fatalf("exit %d\n%.200s", code, stdout)
	}
	want, _ := os.ReadFile("../../scenarios/schema.json")
	if strings.TrimSpace(stdout) != strings.TrimSpace(string(want)) {
		t.Fatal("scenarios/schema.json is not `harness schema`'s output; regenerate it")
	}
}

func TestListShowsTypesAndParams(t *testing.T) {
	t.Parallel()
	stdout, _, code := runCLI(t, "list")
	for _, want := range []string{"kill", "partition", "needs duration", "params.signal", "leaseHeld", "params.lease",
		"podsCreatable", "componentReady", "params.stable", "noCrashLoop", "<fault>.end"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{&ExitError{Code: ExitFailed, Err: errors.New("slo")}, 1},
		{usageErr("x"), 2},
		{&ExitError{Code: ExitInfra, Err: errors.New("cluster")}, 3},
		{errors.New("anything else"), 3},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
