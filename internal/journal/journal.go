// Package journal keeps, on disk, what a run must undo: the cluster it
// created and the reverts of the faults it injected. Every change is written
// before the action it guards, so that `harness cleanup` can finish the job
// after the harness itself was killed.
//
// Liveness: a run holds an exclusive flock(2) on <run>.lock beside its
// journal for as long as the journal is open. The kernel drops the lock
// when the process ends however it ends (kill -9, a crash, a reboot), it
// cannot be inherited by another process of the same PID, and it is the
// same lock seen from any PID namespace on the host; `harness cleanup`
// takes it (Claim) before touching a journal, so it neither undoes the
// work of a live run nor races another cleanup.
package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/harness-dev/harness/faults"
)

// Entry is the journal of one run.
type Entry struct {
	RunID    string    `json:"runID"`
	PID      int       `json:"pid"`
	Started  time.Time `json:"started"`
	Scenario string    `json:"scenario"`
	Provider string    `json:"provider,omitempty"`
	Cluster  string    `json:"cluster,omitempty"`
	// ClusterCreated is true when the run creates the cluster (so cleanup
	// deletes it); it is set before creation starts.
	ClusterCreated bool `json:"clusterCreated"`
	// Reverts of faults that may be active, oldest first.
	Reverts []faults.Revert `json:"reverts,omitempty"`
}

// Journal is the journal file of one run.
type Journal struct {
	path  string
	lock  *os.File // held while the run lives; nil for a rewrite by cleanup
	mu    sync.Mutex
	entry Entry
}

// Open creates the journal of a new run in dir, and takes its liveness
// lock for as long as the journal is open (until Close or the process
// ends).
func Open(dir string, e Entry) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal dir: %w", err)
	}
	path := filepath.Join(dir, e.RunID+".json")
	lock, err := tryLock(lockPath(path))
	if err != nil {
		return nil, fmt.Errorf("journal of run %s: %w", e.RunID, err)
	}
	j := &Journal{path: path, lock: lock, entry: e}
	if err := j.write(); err != nil {
		unlock(lock, true)
		return nil, err
	}
	return j, nil
}

// lockPath is the liveness lock file beside a journal.
func lockPath(journal string) string { return strings.TrimSuffix(journal, ".json") + ".lock" }

// Path returns the journal file.
func (j *Journal) Path() string { return j.path }

// Update changes the entry and writes it to disk before returning.
func (j *Journal) Update(change func(*Entry)) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	change(&j.entry)
	return j.write()
}

// AddRevert records the revert of a fault about to be injected.
func (j *Journal) AddRevert(r faults.Revert) error {
	return j.Update(func(e *Entry) { e.Reverts = append(e.Reverts, r) })
}

// RemoveRevert records that a fault's revert has run.
func (j *Journal) RemoveRevert(fault string) error {
	return j.Update(func(e *Entry) {
		kept := e.Reverts[:0]
		for _, r := range e.Reverts {
			if r.Fault != fault {
				kept = append(kept, r)
			}
		}
		e.Reverts = kept
	})
}

// Close removes the journal (everything it guarded was undone) and
// releases the run's lock.
func (j *Journal) Close() error {
	err := os.Remove(j.path)
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	if j.lock != nil {
		unlock(j.lock, err == nil)
		j.lock = nil
	}
	return err
}

func (j *Journal) write() error {
	data, err := json.MarshalIndent(j.entry, "", "  ")
	if err != nil {
		return err
	}
	tmp := j.path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	if err := os.Rename(tmp, j.path); err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	return nil
}

// Item is one journal file of a directory: its entry, or why it could not
// be read.
type Item struct {
	Path  string
	Entry Entry
	// Err is set when the file cannot be read or decoded; Entry is then
	// empty and the file is left as it is.
	Err error
}

// List reads every journal in dir, oldest run first (the unreadable ones
// last, by name). A file that cannot be read is an Item with Err, not an
// error of List: one bad journal does not hide the others.
func List(dir string) ([]Item, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var items []Item
	for _, p := range paths {
		it := Item{Path: p}
		data, err := os.ReadFile(p)
		switch {
		case err != nil:
			it.Err = fmt.Errorf("read journal %s: %w", p, err)
		default:
			if err := json.Unmarshal(data, &it.Entry); err != nil {
				it.Err = fmt.Errorf("journal %s is corrupt (%w); remove it after checking the cluster by hand", p, err)
			}
		}
		items = append(items, it)
	}
	sort.SliceStable(items, func(a, b int) bool {
		ia, ib := items[a], items[b]
		if (ia.Err == nil) != (ib.Err == nil) {
			return ia.Err == nil
		}
		if !ia.Entry.Started.Equal(ib.Entry.Started) {
			return ia.Entry.Started.Before(ib.Entry.Started)
		}
		return ia.Path < ib.Path
	})
	return items, nil
}

// Rewrite changes the journal file at path in place.
func Rewrite(path string, change func(*Entry)) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	j := &Journal{path: path}
	if err := json.Unmarshal(data, &j.entry); err != nil {
		return fmt.Errorf("journal %s is corrupt: %w", path, err)
	}
	return j.Update(change)
}
