package journal

import (
	"os"
	"path/filepath"
)

// StateDir holds journals and kubeconfigs: $HARNESS_STATE_DIR, or
// $XDG_STATE_HOME/harness, or ~/.local/state/harness. The CLI and the Go
// API use the same one, so `harness cleanup` finds what either left.
func StateDir() string {
	if d := os.Getenv("HARNESS_STATE_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "harness")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "harness-state")
	}
	return filepath.Join(home, ".local", "state", "harness")
}

// DefaultDir is the journal directory within StateDir.
func DefaultDir() string { return filepath.Join(StateDir(), "journal") }

// KubeconfigDir is where providers keep the kubeconfigs of the clusters
// they made, within StateDir.
func KubeconfigDir() string { return filepath.Join(StateDir(), "kubeconfigs") }
