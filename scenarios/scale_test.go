package scenarios

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const scaleHead = "apiVersion: harness.dev/v1alpha1\nkind: Scenario\nmetadata:\n  name: qa\n"

// chainedFaults is the 97-quadratic-after case: n kill faults, each after
// the one before, and an assertion whose from names no moment.
func chainedFaults(n int) string {
	var b strings.Builder
	b.WriteString(scaleHead + "faults:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - name: f%d\n    type: kill\n    target: {component: etcd}\n", i)
		if i > 0 {
			fmt.Fprintf(&b, "    after: f%d\n", i-1)
		}
	}
	b.WriteString("assertions:\n  - name: a\n    type: leaseHeld\n    from: nope.end\n    within: 1m\n    params: {lease: kube-system/x}\n")
	return b.String()
}

// messageBomb is the 98 case: n faults and n assertions whose from names
// no moment, each error of which could list every moment.
func messageBomb(n int) string {
	var b strings.Builder
	b.WriteString(scaleHead + "faults:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {name: f%d, type: kill, target: {component: etcd}}\n", i)
	}
	b.WriteString("assertions:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {name: a%d, type: leaseHeld, from: x%d.end, within: 1m, params: {lease: kube-system/x}}\n", i, i)
	}
	return b.String()
}

// typeErrors is the 99 case: n faults whose name is a list.
func typeErrors(n int) string {
	var b strings.Builder
	b.WriteString(scaleHead + "faults:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {name: [f%d], type: kill, target: {component: etcd}}\n", i)
	}
	b.WriteString("assertions:\n  - {name: a, type: leaseHeld, from: faults.end, within: 1m, params: {lease: kube-system/x}}\n")
	return b.String()
}

// TestDecodeScales decodes the large generated inputs: each gives its
// errors (bounded: MaxErrors, then how many more) at the right node. The
// times are logged, not asserted.
func TestDecodeScales(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc string
		first     string // the first problem
		count     int    // problems reported (MaxErrors+1 when cut)
		more      string // the last line, when cut
	}{
		{"40k chained faults", chainedFaults(40000), `x.yaml:160008:11: from "nope.end" is not a moment of this scenario; valid in assertions: steady-state, faults.start, faults.end, f0.start, f0.end,`, 1, ""},
		{"1000 faults and 1000 bad froms", messageBomb(1000), `x.yaml:1007:39: from "x0.end" is not a moment of this scenario`, MaxErrors + 1, "x.yaml: and 950 more problems (only the first 50 are listed)"},
		{"4000 type errors", typeErrors(4000), "x.yaml:6:12: faults[0].name: wrong type: got a list; expected a string", MaxErrors + 1, "x.yaml: and 3950 more problems"},
		{"30k type errors", typeErrors(30000), "x.yaml:6:12: faults[0].name: wrong type: got a list; expected a string", MaxErrors + 1, "x.yaml: and 29950 more problems"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			_, err := Decode("x.yaml", []byte(tt.doc))
			t.Logf("%d bytes decoded in %s", len(tt.doc), time.Since(start))
			var list Errors
			if !errors.As(err, &list) {
				t.Fatalf("error %v; want Errors", err)
			}
			if len(list) != tt.count || !strings.HasPrefix(list[0].Error(), tt.first) {
				t.Fatalf("%d problems, the first:\n  %s\nwant %d, the first starting with\n  %s", len(list), list[0], tt.count, tt.first)
			}
			if tt.more != "" && !strings.HasPrefix(list[len(list)-1].Error(), tt.more) {
				t.Fatalf("last line %q; want %q", list[len(list)-1], tt.more)
			}
			for _, e := range list {
				if len(e.Msg) > 2000 {
					t.Fatalf("a message of %d bytes: the candidates it lists are not capped", len(e.Msg))
				}
			}
		})
	}
}

// TestLoadFromReader: a scenario read from stdin is bounded too.
func TestLoadFromReader(t *testing.T) {
	t.Parallel()
	data, err := ReadAll("<stdin>", strings.NewReader(chainedFaults(1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode("<stdin>", data); err == nil || !strings.Contains(err.Error(), `<stdin>:12:11: from "nope.end"`) {
		t.Fatalf("error %v", err)
	}
	if _, err := ReadAll("<stdin>", strings.NewReader(strings.Repeat("#", MaxFileSize+1))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v; want ErrTooLarge", err)
	}
}

// TestLoadUnreadable reads a file of mode 000 as a user other than root
// (a child test process with the uid of nobody): the error says so. As a
// non-root user the test reads it directly.
func TestLoadUnreadable(t *testing.T) {
	t.Parallel()
	if path := os.Getenv("HARNESS_TEST_UNREADABLE"); path != "" {
		_, err := Load(path)
		fmt.Printf("error: %v\n", err)
		return
	}
	dir, err := os.MkdirTemp("", "harness-unreadable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	data, _ := os.ReadFile("testdata/bad-input/57-unreadable.yaml")
	file := filepath.Join(dir, "57-unreadable.yaml")
	if err := os.WriteFile(file, data, 0o000); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		if _, err := Load(file); !errors.Is(err, os.ErrPermission) {
			t.Fatalf("error %v; want permission denied", err)
		}
		return
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "scenarios.test")
	exe, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, exe, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^TestLoadUnreadable$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HARNESS_TEST_UNREADABLE="+file)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child as nobody: %v\n%s", err, out)
	}
	if want := "error: read scenario: open " + file + ": permission denied"; !strings.Contains(string(out), want) {
		t.Fatalf("child output:\n%s\nwant %q", out, want)
	}
}
