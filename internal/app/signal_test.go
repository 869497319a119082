package app

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run this test binary as the harness program
// (HARNESS_TEST_MAIN=1), to send it signals.
func TestMain(m *testing.M) {
	if os.Getenv("HARNESS_TEST_MAIN") == "1" {
		signalsReady = func() { fmt.Fprintln(os.Stderr, "signals handled") }
		os.Exit(Main(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// TestSIGTERMEndsValidateAtOnce: a command with nothing to undo ends at
// the first signal, without talk of reverting faults. validate reads a
// scenario from a standard input that never ends, so it is still running
// when the signal comes.
func TestSIGTERMEndsValidateAtOnce(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "validate", "-")
	cmd.Env = append(os.Environ(), "HARNESS_TEST_MAIN=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var out bytes.Buffer
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := stdin.Write([]byte("apiVersion: harness.dev/v1alpha1\n")); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewReader(stderr)
	if line, err := lines.ReadString('\n'); err != nil || line != "signals handled\n" {
		t.Fatalf("child: %q %v", line, err)
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(lines)
	out.Write(rest)
	err = cmd.Wait()
	t.Logf("exited %v after the signal: %v", time.Since(start), err)
	if code := cmd.ProcessState.ExitCode(); code != 128+int(syscall.SIGTERM) {
		t.Fatalf("exit code %d; want %d\n%s", code, 128+int(syscall.SIGTERM), out.String())
	}
	if strings.Contains(out.String(), "reverting") {
		t.Fatalf("validate talks of reverting faults:\n%s", out.String())
	}
}
