package journal

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrAlive is the error of Claim for the journal of a run whose process
// still holds its lock.
var ErrAlive = errors.New("the run is alive (its process holds the journal's lock)")

// tryLock creates (if need be) and locks path with an exclusive flock,
// without waiting.
func tryLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrAlive
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}

// unlock releases a lock, removing its file first when remove is set (so
// no one sees a lock file without a journal).
func unlock(f *os.File, remove bool) {
	if remove {
		_ = os.Remove(f.Name())
	}
	_ = f.Close() // closing the last descriptor releases the flock
}

// Claim is cleanup's hold on the journal of a run that is not alive: the
// run's lock, taken so that neither the run nor a second cleanup touches
// the journal meanwhile.
type Claim struct {
	path string
	lock *os.File
}

// ClaimFile takes the liveness lock of the journal at path. It fails with
// ErrAlive when the run's process still holds it. A journal written before
// runs held locks has no lock file: it is created, and the run counts as
// not alive.
func ClaimFile(path string) (*Claim, error) {
	lock, err := tryLock(lockPath(path))
	if err != nil {
		return nil, err
	}
	return &Claim{path: path, lock: lock}, nil
}

// ForceClaim is a Claim on the journal of a run that holds its lock
// (`harness cleanup --force`): the run keeps its lock and its lock file.
func ForceClaim(path string) *Claim { return &Claim{path: path} }

// Rewrite changes the claimed journal in place.
func (c *Claim) Rewrite(change func(*Entry)) error { return Rewrite(c.path, change) }

// Remove removes the journal (everything it guarded is undone) and its lock.
func (c *Claim) Remove() error {
	err := os.Remove(c.path)
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	if c.lock != nil {
		unlock(c.lock, err == nil)
	}
	return err
}

// Release keeps the journal (something is still to undo) and lets go of
// its lock.
func (c *Claim) Release() {
	if c.lock != nil {
		unlock(c.lock, false)
	}
}
