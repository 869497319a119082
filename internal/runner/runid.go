package runner

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// maxNamePart keeps "harness-" + name + "-" + 8 hex digits within 42
// characters: kind names the nodes CLUSTER-control-plane and
// CLUSTER-worker12, which must stay valid host names (63 characters).
const maxNamePart = 25

// NewRunID returns a run identity unique on this machine whatever the
// seed (eight random hex digits from crypto/rand after the scenario's name,
// cut to 25 characters): two runs of one scenario with one seed do not
// share a journal, a report folder or a cluster name.
func NewRunID(scenario string) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error()) // the kernel's random source never fails
	}
	name := scenario
	if len(name) > maxNamePart {
		name = strings.TrimRight(name[:maxNamePart], "-.")
	}
	return name + "-" + hex.EncodeToString(b[:])
}

// ClusterName is the name of the kind cluster a run creates.
func ClusterName(runID string) string { return "harness-" + runID }
