package journal

import (
	"os"
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
	entries, _, err := List(dir)
	if err != nil || len(entries) != 1 || len(entries[0].Reverts) != 2 || !entries[0].ClusterCreated {
		t.Fatalf("List = %+v, %v; want one entry with two reverts", entries, err)
	}
	if err := j.RemoveRevert("a"); err != nil {
		t.Fatal(err)
	}
	entries, _, _ = List(dir)
	if got := entries[0].Reverts; len(got) != 1 || got[0].Fault != "b" {
		t.Fatalf("after RemoveRevert(a): %+v", got)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(j.Path()); !os.IsNotExist(err) {
		t.Fatalf("journal still there after Close: %v", err)
	}
	if err := j.Close(); err != nil {
		t.Fatalf("second Close must be a no-op: %v", err)
	}
}

func TestListRejectsCorruptJournal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/x.json", []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := List(dir); err == nil {
		t.Fatal("want an error for a corrupt journal")
	}
}
