package kind

import (
	"context"
	"path/filepath"
	"testing"
)

// TestNetworkLock: clusters are created side by side (shared), and the
// network is not removed while any is being created (exclusive fails).
func TestNetworkLock(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "lock")
	a, err := lockShared(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := lockShared(context.Background(), path)
	if err != nil {
		t.Fatalf("a second creation waits for the first: %v", err)
	}
	if _, ok := tryLockExclusive(path); ok {
		t.Fatal("the network could be removed while clusters are being created")
	}
	a()
	a() // idempotent
	if _, ok := tryLockExclusive(path); ok {
		t.Fatal("the network could be removed while a cluster is being created")
	}
	b()
	unlock, ok := tryLockExclusive(path)
	if !ok {
		t.Fatal("no creation holds the lock, yet the network cannot be removed")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := lockShared(ctx, path); err == nil {
		t.Fatal("a creation went on while the network was being removed")
	}
	unlock()
}
