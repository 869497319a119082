package runner

import (
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/scenarios"
)

func TestNodeImage(t *testing.T) {
	t.Parallel()
	tests := []struct{ flag, scenario, version, want string }{
		{"flag", "scenario", "v1", "flag"},
		{"", "scenario", "v1", "scenario"},
		{"", "", "v1.35.4", "kindest/node:v1.35.4"},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		if got := nodeImage(tt.flag, tt.scenario, tt.version); got != tt.want {
			t.Errorf("nodeImage(%q, %q, %q) = %q, want %q", tt.flag, tt.scenario, tt.version, got, tt.want)
		}
	}
}

// failingProvider cannot create clusters and records deletions.
type failingProvider struct{ deleted []string }

func (p *failingProvider) Name() string { return "fake" }
func (p *failingProvider) Create(context.Context, clusters.Spec) (*clusters.Cluster, error) {
	return nil, errors.New("node never became ready")
}
func (p *failingProvider) Get(context.Context, string) (*clusters.Cluster, error) {
	return nil, errors.New("no such cluster")
}
func (p *failingProvider) Delete(_ context.Context, name string) error {
	p.deleted = append(p.deleted, name)
	return nil
}
func (p *failingProvider) List(context.Context) ([]string, error)             { return nil, nil }
func (p *failingProvider) LoadImages(context.Context, string, []string) error { return nil }
func (p *failingProvider) ExportLogs(context.Context, string, string) error   { return nil }

// TestClusterFailureIsAnInfrastructureError: a cluster that does not start
// makes the run an error (exit 3) with every assertion not evaluated, the
// cluster is deleted, and the journal is gone because nothing is left.
func TestClusterFailureIsAnInfrastructureError(t *testing.T) {
	t.Parallel()
	sc, err := scenarios.Load("../../scenarios/kill-controller-manager.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := &failingProvider{}
	journalDir, reportDir := t.TempDir(), t.TempDir()
	res := Run(context.Background(), sc, Options{Provider: p, JournalDir: journalDir, ReportDir: reportDir,
		Rand: rand.New(rand.NewSource(1)), Seed: 1})
	if res.Error == nil || res.Error.Phase != "cluster" || res.ExitCode() != 3 {
		t.Fatalf("result error %+v exit %d; want a cluster error and exit 3", res.Error, res.ExitCode())
	}
	if len(res.Assertions) != len(sc.Assertions) || res.Assertions[0].Status != "pending" {
		t.Fatalf("assertions %+v; want all listed as not evaluated", res.Assertions)
	}
	if len(p.deleted) != 1 {
		t.Fatalf("deleted %v; want the cluster the run tried to create", p.deleted)
	}
	if len(res.Artifacts) != 2 {
		t.Fatalf("artifacts %+v; want the events and the lease history (no cluster to take logs from)", res.Artifacts)
	}
	for _, a := range res.Artifacts {
		if _, err := os.Stat(filepath.Join(reportDir, a.Path)); err != nil {
			t.Errorf("artifact %s: %v", a.Path, err)
		}
	}
	if entries, _ := os.ReadDir(journalDir); len(entries) != 0 {
		t.Fatalf("journal left: %v", entries)
	}
}
