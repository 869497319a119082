// Package e2e runs the harness binary end to end on real kind clusters, as
// users and CI do: stock scenarios pass, an impossible SLO fails with exit
// code 1, and cleanup holds after Ctrl-C and after kill -9.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harness-dev/harness/internal/testenv"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// harnessBinary builds cmd/harness once per test binary.
func harnessBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "harness-e2e-bin")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "harness")
		cmd := exec.Command("go", "build", "-o", binary, "./cmd/harness")
		cmd.Dir = testenv.RepoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// harness is one invocation of the binary with its own state directory.
type harness struct {
	t        testing.TB
	stateDir string
	reports  string
	image    string
}

func newHarness(t testing.TB) *harness {
	testenv.RequireDocker(t)
	return &harness{t: t, stateDir: t.TempDir(), reports: t.TempDir(), image: testenv.NodeImage(t)}
}

func (h *harness) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, harnessBinary(h.t), args...)
	cmd.Dir = testenv.RepoRoot(h.t)
	cmd.Env = append(os.Environ(), "HARNESS_STATE_DIR="+h.stateDir)
	return cmd
}

// run runs `harness run` with args (flags, then scenario files) and
// returns the output and exit code.
func (h *harness) run(args ...string) (string, int) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	cmd := h.command(ctx, append([]string{"run", "--node-image", h.image, "--report-dir", h.reports}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	h.t.Logf("harness run %s:\n%s", strings.Join(args, " "), out.String())
	return out.String(), exitCode(h.t, err)
}

// command0 runs a harness command that needs no cluster and returns its
// output and exit code.
func (h *harness) command0(t *testing.T, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := h.command(ctx, args...).CombinedOutput()
	t.Logf("harness %s:\n%s", strings.Join(args, " "), out)
	return string(out), exitCode(t, err)
}

func exitCode(t testing.TB, err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	t.Fatalf("harness did not run: %v", err)
	return -1
}

// process is a running harness whose output is being collected.
type process struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
	exited chan struct{}
}

func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// wait waits for the process to exit and returns its exit code.
func (p *process) wait(t *testing.T) int {
	select {
	case <-p.exited:
	case <-time.After(5 * time.Minute):
		_ = p.cmd.Process.Kill()
		t.Fatalf("the harness did not exit within 5 minutes:\n%s", p.output())
	}
	return p.cmd.ProcessState.ExitCode()
}

// startUntil starts `harness run` and returns once a line of its output
// contains marker; the rest of the output keeps being collected.
func (h *harness) startUntil(scenario, marker string, extra ...string) *process {
	h.t.Helper()
	args := append([]string{"run", "--node-image", h.image, "--report-dir", h.reports}, extra...)
	p := &process{cmd: h.command(context.Background(), append(args, scenario)...), exited: make(chan struct{})}
	pr, pw := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = pw, pw
	if err := p.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if strings.Contains(sc.Text(), marker) {
				once.Do(func() { close(found) })
			}
		}
	}()
	go func() { _ = p.cmd.Wait(); pw.Close(); close(p.exited) }()
	select {
	case <-found:
	case <-p.exited:
		h.t.Fatalf("harness exited before printing %q:\n%s", marker, p.output())
	case <-time.After(10 * time.Minute):
		_ = p.cmd.Process.Kill()
		h.t.Fatalf("harness never printed %q:\n%s", marker, p.output())
	}
	return p
}

// scenarioFile writes a scenario into a temporary file.
func scenarioFile(t *testing.T, text string) string {
	path := filepath.Join(t.TempDir(), "scenario.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// leftBehind lists the containers still there of the kind clusters that a
// run said it created. It looks only at those clusters, so a cluster of
// another run on the same Docker daemon is not taken for a leak.
func leftBehind(t *testing.T, out string) []string {
	t.Helper()
	created := createdCluster.FindAllStringSubmatch(out, -1)
	if len(created) == 0 {
		t.Fatalf("the output names no cluster that the run created:\n%s", out)
	}
	var left []string
	for _, m := range created {
		left = append(left, clusterContainers(t, m[1]+"-")...)
	}
	return left
}

// createdCluster matches the progress line of a cluster the run creates.
var createdCluster = regexp.MustCompile(`creating kind cluster (\S+) `)

// clusterContainers lists the containers of kind clusters whose name starts
// with prefix.
func clusterContainers(t *testing.T, prefix string) []string {
	out, err := exec.Command("docker", "ps", "-a", "--format", `{{.Label "io.x-k8s.kind.cluster"}} {{.Names}}`).Output()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if cluster, name, ok := strings.Cut(line, " "); ok && strings.HasPrefix(cluster, prefix) {
			names = append(names, name)
		}
	}
	return names
}
