package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/journal"
)

// fakeProvider answers like Docker, or like a Docker that does not answer
// (down), and records what cleanup runs in its nodes.
type fakeProvider struct {
	mu       sync.Mutex
	down     bool
	clusters []string
	argv     [][]string
	deleted  []string
	failing  string // a command that fails in the nodes
}

func (p *fakeProvider) List(context.Context) ([]string, error) {
	if p.down {
		return nil, errors.New("Cannot connect to the Docker daemon at unix:///var/run/docker.sock")
	}
	return p.clusters, nil
}

func (p *fakeProvider) Get(_ context.Context, name string) (*clusters.Cluster, error) {
	if p.down {
		return nil, errors.New("Cannot connect to the Docker daemon")
	}
	return &clusters.Cluster{Name: name, Nodes: []clusters.Node{fakeNode{p, name + "-control-plane"}}}, nil
}

func (p *fakeProvider) Delete(_ context.Context, name string) error {
	p.deleted = append(p.deleted, name)
	return nil
}

type fakeNode struct {
	p    *fakeProvider
	name string
}

func (n fakeNode) Name() string { return n.name }
func (n fakeNode) Role() string { return clusters.RoleControlPlane }
func (n fakeNode) Exec(_ context.Context, _ io.Reader, argv ...string) ([]byte, error) {
	n.p.mu.Lock()
	defer n.p.mu.Unlock()
	n.p.argv = append(n.p.argv, argv)
	if n.p.failing != "" && argv[0] == n.p.failing {
		return nil, errors.New(argv[0] + ": exit status 1")
	}
	return nil, nil
}

// deadRun writes the journal of a run that was killed: its cluster and
// two reverts.
func deadRun(t *testing.T, dir, id string) string {
	t.Helper()
	j, err := journal.Open(dir, journal.Entry{RunID: id, Started: time.Now(), Cluster: "harness-" + id, ClusterCreated: true})
	if err != nil {
		t.Fatal(err)
	}
	node := "harness-" + id + "-control-plane"
	for _, f := range []string{"cut", "pause"} {
		if err := j.AddRevert(faults.Revert{Fault: f, Type: f, Steps: []faults.Step{{Node: node, Argv: []string{"undo-" + f}}}}); err != nil {
			t.Fatal(err)
		}
	}
	path := j.Path()
	// As kill -9 leaves it: the file stays, the lock goes with the process.
	data, _ := os.ReadFile(path)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func cleanup(t *testing.T, o cleanupOptions, p *fakeProvider, dir string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	err := o.run(context.Background(), p, dir, &out)
	if err != nil {
		out.WriteString("error: " + err.Error())
	}
	return out.String(), ExitCode(err)
}

// TestCleanupKeepsRevertsWhileDockerIsDown: "Cannot reach Docker" is an
// error: every revert and the cluster stay in the journal, the exit code is
// 3 and the output says what is pending; once Docker answers, the same
// command reverts them (newest first) and deletes the cluster.
func TestCleanupKeepsRevertsWhileDockerIsDown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := deadRun(t, dir, "r1")
	before, _ := os.ReadFile(path)
	p := &fakeProvider{down: true, clusters: []string{"harness-r1"}}
	out, code := cleanup(t, cleanupOptions{}, p, dir)
	if code != ExitInfra || !strings.Contains(out, "cannot reach Docker") ||
		!strings.Contains(out, "pending: cut fault cut, pause fault pause, cluster harness-r1 to delete") || strings.Contains(out, "is gone") {
		t.Fatalf("Docker down: exit %d\n%s", code, out)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatalf("the journal changed while Docker was down:\n%s", after)
	}
	p.down = false
	out, code = cleanup(t, cleanupOptions{}, p, dir)
	if code != 0 || !strings.Contains(out, "reverted pause fault pause") || !strings.Contains(out, "deleted cluster harness-r1") {
		t.Fatalf("Docker back: exit %d\n%s", code, out)
	}
	if len(p.argv) != 2 || p.argv[0][0] != "undo-pause" || p.argv[1][0] != "undo-cut" || len(p.deleted) != 1 {
		t.Fatalf("ran %v, deleted %v; want the reverts newest first, then the cluster deleted", p.argv, p.deleted)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Fatalf("left in the journal directory: %v", left)
	}
}

// TestCleanupClusterGone: only when Docker answers and the cluster is gone
// is there nothing to revert; --faults-only then empties the reverts.
func TestCleanupClusterGone(t *testing.T) {
	t.Parallel()
	for _, faultsOnly := range []bool{false, true} {
		dir := t.TempDir()
		path := deadRun(t, dir, "r2")
		out, code := cleanup(t, cleanupOptions{faultsOnly: faultsOnly}, &fakeProvider{}, dir)
		if code != 0 || !strings.Contains(out, "cluster harness-r2 is gone; nothing to revert") {
			t.Fatalf("faults-only %v: exit %d\n%s", faultsOnly, code, out)
		}
		items, _ := journal.List(dir)
		switch {
		case !faultsOnly && len(items) != 0:
			t.Fatalf("journal kept: %+v", items)
		case faultsOnly && (len(items) != 1 || len(items[0].Entry.Reverts) != 0 || items[0].Path != path):
			t.Fatalf("--faults-only: %+v; want the journal without reverts", items)
		}
	}
}

// TestCleanupGoesOnPastABadJournal: a corrupt journal is reported and the
// others are cleaned; a revert that fails stays, alone, in its journal.
func TestCleanupGoesOnPastABadJournal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "0-corrupt.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := deadRun(t, dir, "r3")
	p := &fakeProvider{clusters: []string{"harness-r3"}, failing: "undo-cut"}
	out, code := cleanup(t, cleanupOptions{}, p, dir)
	if code != ExitInfra || !strings.Contains(out, "0-corrupt.json is corrupt") || !strings.Contains(out, "reverted pause fault pause") ||
		!strings.Contains(out, "1 reverts failed") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	items, _ := journal.List(dir)
	var kept *journal.Item
	for i := range items {
		if items[i].Path == path {
			kept = &items[i]
		}
	}
	if kept == nil || len(kept.Entry.Reverts) != 1 || kept.Entry.Reverts[0].Fault != "cut" || len(p.deleted) != 0 {
		t.Fatalf("journal %+v, deleted %v; want only the failed revert kept and the cluster not deleted", kept, p.deleted)
	}
}

// TestCleanupSkipsLiveRuns: a run whose process holds its journal's lock is
// skipped, unless --force.
func TestCleanupSkipsLiveRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := journal.Open(dir, journal.Entry{RunID: "live", PID: os.Getpid(), Started: time.Now(), Cluster: "harness-live", ClusterCreated: true})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	p := &fakeProvider{clusters: []string{"harness-live"}}
	out, code := cleanup(t, cleanupOptions{}, p, dir)
	if code != 0 || !strings.Contains(out, "run live (pid") || !strings.Contains(out, "still running; skipped") || len(p.deleted) != 0 {
		t.Fatalf("exit %d, deleted %v\n%s", code, p.deleted, out)
	}
	out, code = cleanup(t, cleanupOptions{force: true}, p, dir)
	if code != 0 || len(p.deleted) != 1 || !strings.Contains(out, "cleaning up anyway (--force)") {
		t.Fatalf("--force: exit %d, deleted %v\n%s", code, p.deleted, out)
	}
}

func TestCleanupWithNothingToDo(t *testing.T) {
	t.Setenv("HARNESS_STATE_DIR", t.TempDir())
	stdout, stderr, code := runCLI(t, "cleanup")
	if code != 0 || !strings.Contains(stdout, "cleaned up 0 runs") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
}
