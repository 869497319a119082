// Package journal keeps, on disk, what a run must undo: the cluster it
// created and the reverts of the faults it injected. Every change is written
// before the action it guards, so that `harness cleanup` can finish the job
// after the harness itself was killed.
package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
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
	mu    sync.Mutex
	entry Entry
}

// Open creates the journal of a new run in dir.
func Open(dir string, e Entry) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal dir: %w", err)
	}
	j := &Journal{path: filepath.Join(dir, e.RunID+".json"), entry: e}
	return j, j.write()
}

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

// Close removes the journal: everything it guarded was undone.
func (j *Journal) Close() error {
	err := os.Remove(j.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
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

// List reads every journal in dir, oldest run first.
func List(dir string) ([]Entry, []string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, nil, err
	}
	var entries []Entry
	var files []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, fmt.Errorf("read journal: %w", err)
		}
		var e Entry
		if err := json.Unmarshal(data, &e); err != nil {
			return nil, nil, fmt.Errorf("journal %s is corrupt (%w); remove it after checking the cluster by hand", p, err)
		}
		entries = append(entries, e)
		files = append(files, p)
	}
	sort.SliceStable(entries, func(a, b int) bool { return entries[a].Started.Before(entries[b].Started) })
	return entries, files, nil
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
