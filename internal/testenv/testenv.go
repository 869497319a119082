// Package testenv holds what the harness's own integration tests share:
// the Docker precondition, the node image under test, and test images built
// from this repository without any registry.
package testenv

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// RequireDocker fails the test (never skips it silently) when no Docker
// daemon answers, unless the run asked for -short.
func RequireDocker(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped because -short was given")
	}
	if err := DockerAnswers(); err != nil {
		t.Fatal(err)
	}
}

// DockerAnswers returns an error saying how to get Docker when no daemon
// answers.
func DockerAnswers() error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput()
	if err != nil {
		return fmt.Errorf("integration tests need a Docker daemon, and none answered (%v: %s). "+
			"Run `make docker` (hack/docker/ensure-docker.sh installs Debian's docker.io and starts dockerd), "+
			"or pass -short to run the unit tests only", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// NodeImage is the node image the integration tests use:
// $HARNESS_NODE_IMAGE, or the offline image `make node-image` builds.
func NodeImage(t testing.TB) string {
	t.Helper()
	image := os.Getenv("HARNESS_NODE_IMAGE")
	if image == "" {
		image = "harness.dev/kind-node:v1.35.4"
	}
	if err := exec.Command("docker", "image", "inspect", image).Run(); err != nil {
		t.Fatalf("node image %s is not on this host; build it with `make node-image`", image)
	}
	return image
}

// BuildImage builds the Go main package pkg (a path relative to the
// repository root) as a static binary and imports it into Docker as image
// with the binary at /NAME as its entrypoint.
func BuildImage(t testing.TB, pkg, image string) {
	t.Helper()
	if err := BuildImageIn(RepoRoot(t), pkg, image); err != nil {
		t.Fatal(err)
	}
}

// BuildImageIn is BuildImage for a given repository root, for callers
// without a testing.TB (TestMain, e2e-framework environment functions).
func BuildImageIn(root, pkg, image string) error {
	name := filepath.Base(pkg)
	// Test packages run in parallel (make test: go test -p 2) and several
	// build the same image: one build at a time per image, so that none
	// removes the image another has just imported.
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "harness-image-"+name+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("lock the build of %s: %w", image, err)
	}
	dir, err := os.MkdirTemp("", "harness-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, "./"+pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	archive, err := tarOf(bin, name)
	if err != nil {
		return err
	}
	previous, _ := exec.Command("docker", "image", "inspect", image, "--format", "{{.Id}}").Output()
	defer func() {
		// The image this import replaced is dangling now; nothing needs it.
		now, _ := exec.Command("docker", "image", "inspect", image, "--format", "{{.Id}}").Output()
		if id := strings.TrimSpace(string(previous)); id != "" && id != strings.TrimSpace(string(now)) {
			_ = exec.Command("docker", "rmi", id).Run()
		}
	}()
	imp := exec.Command("docker", "import", "-c", fmt.Sprintf(`ENTRYPOINT ["/%s"]`, name), "-", image)
	imp.Stdin = archive
	if out, err := imp.CombinedOutput(); err != nil {
		return fmt.Errorf("docker import %s: %w\n%s", image, err, out)
	}
	return nil
}

func tarOf(path, name string) (*bytes.Buffer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(data))}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(data); err != nil {
		return nil, err
	}
	return &buf, tw.Close()
}

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}
