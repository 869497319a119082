package journal

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/faults"
)

func TestJournalRecordsRevertsBeforeAndRemovesAfter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := Open(dir, Entry{RunID: "r1", Started: time.Now(), Cluster: "c", ClusterCreated: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.AddRevert(faults.Revert{Fault: "a", Type: "partition", Steps: []faults.Step{{Node: "n", Argv: []string{"true"}}}}); err != nil {
		t.Fatal(err)
	}
	if err := j.AddRevert(faults.Revert{Fault: "b", Type: "kill"}); err != nil {
		t.Fatal(err)
	}
	items, err := List(dir)
	if err != nil || len(items) != 1 || len(items[0].Entry.Reverts) != 2 || !items[0].Entry.ClusterCreated {
		t.Fatalf("List = %+v, %v; want one entry with two reverts", items, err)
	}
	if err := j.RemoveRevert("a"); err != nil {
		t.Fatal(err)
	}
	items, _ = List(dir)
	if got := items[0].Entry.Reverts; len(got) != 1 || got[0].Fault != "b" {
		t.Fatalf("after RemoveRevert(a): %+v", got)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(j.Path()); !os.IsNotExist(err) {
		t.Fatalf("journal still there after Close: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Fatalf("files left after Close: %v", left)
	}
	if err := j.Close(); err != nil {
		t.Fatalf("second Close must be a no-op: %v", err)
	}
}

// TestListKeepsEachEntryWithItsFile: entries are sorted by start, each
// with its own file, and a corrupt or unreadable journal is reported
// without hiding the others.
func TestListKeepsEachEntryWithItsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	// File names sort the other way round from the start times.
	for i, id := range []string{"a-newest", "b-middle", "c-oldest"} {
		data := fmt.Sprintf(`{"runID": %q, "started": %q}`, id, now.Add(-time.Duration(i)*time.Hour).Format(time.RFC3339Nano))
		if err := os.WriteFile(filepath.Join(dir, id+".json"), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "0-corrupt.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "1-unreadable.json"), 0o700); err != nil { // reading a directory fails
		t.Fatal(err)
	}
	items, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		name := filepath.Base(it.Path)
		if it.Err == nil && it.Entry.RunID+".json" != name {
			t.Errorf("entry %s listed with file %s", it.Entry.RunID, name)
		}
		if it.Err != nil {
			name += " (error)"
		}
		got = append(got, name)
	}
	want := "c-oldest.json b-middle.json a-newest.json 0-corrupt.json (error) 1-unreadable.json (error)"
	if strings.Join(got, " ") != want {
		t.Fatalf("List order %v; want %s", got, want)
	}
	if !strings.Contains(items[3].Err.Error(), "is corrupt") {
		t.Fatalf("corrupt journal: %v", items[3].Err)
	}
}

// TestLockTellsLiveFromDead: an open journal's run is alive; a closed one's,
// or one whose process was killed, is not; the lock does not depend on the
// PID (a new process with the old PID would not hold it).
func TestLockTellsLiveFromDead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := Open(dir, Entry{RunID: "live", Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ClaimFile(j.Path()); !errors.Is(err, ErrAlive) {
		t.Fatalf("claim of an open journal: %v; want ErrAlive", err)
	}
	path := childJournal(t, dir, "killed")
	c, err := ClaimFile(path)
	if err != nil {
		t.Fatalf("claim after the run's process was killed: %v", err)
	}
	if _, err := ClaimFile(path); !errors.Is(err, ErrAlive) {
		t.Fatalf("a second claim while the first holds: %v; want ErrAlive", err)
	}
	if err := c.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("journal still there after Remove: %v", err)
	}
	old := filepath.Join(dir, "old.json") // written before runs held locks
	if err := os.WriteFile(old, []byte(`{"runID": "old", "pid": 1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := ClaimFile(old); err != nil {
		t.Fatalf("claim of a journal without a lock file: %v", err)
	} else {
		c.Release()
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
}

// childJournal has a child process open a journal in dir, then kills it
// (SIGKILL) and returns the journal's path.
func childJournal(t *testing.T, dir, id string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^TestHelperOpenJournal$")
	cmd.Env = append(os.Environ(), "HARNESS_TEST_JOURNAL="+dir+"|"+id)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "opened ") {
		t.Fatalf("child: %q %v", line, err)
	}
	path := strings.TrimSpace(strings.TrimPrefix(line, "opened "))
	if _, err := ClaimFile(path); !errors.Is(err, ErrAlive) {
		t.Fatalf("claim while the child holds its journal: %v; want ErrAlive", err)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return path
}

// TestHelperOpenJournal is the child of childJournal: it opens a journal
// and waits to be killed.
func TestHelperOpenJournal(t *testing.T) {
	spec := os.Getenv("HARNESS_TEST_JOURNAL")
	if spec == "" {
		t.Skip("helper process of TestLockTellsLiveFromDead")
	}
	dir, id, _ := strings.Cut(spec, "|")
	j, err := Open(dir, Entry{RunID: id, PID: os.Getpid(), Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("opened %s\n", j.Path())
	time.Sleep(time.Minute)
}
