package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), args, &stdout, &stderr)
	if err != nil {
		stderr.WriteString(err.Error())
	}
	return stdout.String(), stderr.String(), ExitCode(err)
}

func TestUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: harness.dev/v1alpha1\nkind: Scenario\nmetadata: {name: x}\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command given"},
		{"unknown command", []string{"explode"}, `unknown command "explode"; valid commands: run, validate, list, cleanup`},
		{"run without files", []string{"run"}, "no scenario file given"},
		{"run with a bad flag", []string{"run", "--nope", "x.yaml"}, "flag provided but not defined"},
		{"run with a bad file costs no cluster", []string{"run", bad}, bad + `:4:1: field "bogus" not valid in a scenario`},
		{"validate a missing file", []string{"validate", "missing.yaml"}, "read scenario"},
		{"existing cluster needs consent", []string{"run", "--cluster", "prod", "x.yaml"}, "refusing to inject faults into cluster \"prod\""},
		{"list takes no arguments", []string{"list", "x"}, "list takes no arguments"},
		{"repeat at least once", []string{"run", "--repeat", "0", "x.yaml"}, "--repeat 0: expected 1 or more"},
		{"unknown output", []string{"run", "--output", "xml", "x.yaml"}, `--output "xml": valid outputs: text, json`},
		{"param needs a value", []string{"run", "--param", "variant", "x.yaml"}, `"variant": expected NAME=VALUE`},
		{"unknown param", []string{"run", "--param", "variant=bug", "../../scenarios/lease-loss.yaml"}, `scenario lease-loss has no parameter "variant"; its parameters: (none)`},
		{"param value not allowed", []string{"run", "--param", "variant=broken", "../../scenarios/selfheal-hooks.yaml"}, `parameter variant="broken" not allowed; valid values: bug, fixed`},
		{"compare wants two results", []string{"compare", "a.json"}, "compare: want two results"},
		{"compare a missing file", []string{"compare", "a.json", "b.json"}, "compare: open a.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := run(t, tt.args...)
			if code != ExitUsage || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

func TestValidateStockScenarios(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../../scenarios/*.yaml")
	stdout, stderr, code := run(t, append([]string{"validate"}, files...)...)
	if code != 0 || strings.Count(stdout, ": valid") != len(files) {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestListShowsTypesAndParams(t *testing.T) {
	t.Parallel()
	stdout, _, code := run(t, "list")
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

func TestCleanupWithNothingToDo(t *testing.T) {
	t.Setenv("HARNESS_STATE_DIR", t.TempDir())
	stdout, stderr, code := run(t, "cleanup")
	if code != 0 || !strings.Contains(stdout, "cleaned up 0 runs") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
}
