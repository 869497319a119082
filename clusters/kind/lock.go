package kind

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// NetworkLockPath is the host-wide lock that keeps kind's Docker network
// from being removed while a cluster is created: creating a cluster holds
// it shared (creations run side by side), removing the network needs it
// exclusive and gives up when it is taken (the network stays; the run
// that is creating a cluster removes it when it deletes its own). It is
// in the system's temporary directory, the same for every state directory
// of the host.
var NetworkLockPath = filepath.Join(os.TempDir(), "harness-kind-network.lock")

// lockShared waits until it holds the lock shared, or ctx ends.
func lockShared(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("kind network lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if err == nil {
			var once sync.Once
			return func() { once.Do(func() { f.Close() }) }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("kind network lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond): // the network is being removed: a moment
		}
	}
}

// tryLockExclusive takes the lock exclusive if no one holds it.
func tryLockExclusive(path string) (func(), bool) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, false
	}
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		f.Close()
		return nil, false
	}
	return func() { f.Close() }, true
}
