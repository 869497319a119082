package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
)

// TestClusterSpec: the node image flag overrides the scenario's; the
// scenario's version, workers and patches and the faults' host needs reach
// the provider, which chooses the image of a version.
func TestClusterSpec(t *testing.T) {
	t.Parallel()
	sc, err := scenarios.Load("../../scenarios/partition-controller-manager.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc.Cluster.NodeImage, sc.Cluster.KubernetesVersion, sc.Cluster.Workers = "scenario-image", "v1.34.4", 2
	for _, tt := range []struct{ flag, want string }{{"", "scenario-image"}, {"flag-image", "flag-image"}} {
		r := &run{o: Options{NodeImage: tt.flag}, sc: sc, env: faults.Env{RunID: "x-1"}, res: &reports.Run{RunID: "x-1"}}
		spec := r.clusterSpec()
		if spec.NodeImage != tt.want || spec.KubernetesVersion != "v1.34.4" || spec.Workers != 2 || spec.Name != "harness-x-1" ||
			len(spec.HostNeeds) != 1 || spec.HostNeeds[0] != clusters.NeedNetCls {
			t.Errorf("flag %q: spec %+v", tt.flag, spec)
		}
	}
}

func TestNewRunIDIsUniqueAndFitsKind(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 300; i++ {
		id := NewRunID(strings.Repeat("a-very-long-scenario-name", 3))
		if seen[id] {
			t.Fatalf("run ID %s twice", id)
		}
		seen[id] = true
		if name := ClusterName(id) + "-control-plane"; len(name) > 63 {
			t.Fatalf("node name %s is %d characters; kind needs a host name", name, len(name))
		}
	}
}

// failingProvider cannot create clusters and records deletions.
type failingProvider struct {
	deleted []string
	err     error // of Create; default: a cluster that never became ready
}

func (p *failingProvider) Name() string { return "fake" }
func (p *failingProvider) Create(context.Context, clusters.Spec) (*clusters.Cluster, error) {
	if p.err != nil {
		return nil, p.err
	}
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
func (p *failingProvider) EnsureHost(context.Context, []string) error         { return nil }

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
	res := Run(context.Background(), sc, Options{Provider: p, JournalDir: journalDir, ReportDir: reportDir, Seed: 1})
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

// TestExistingClusterIsNeverDeleted: when the provider says a cluster of
// the run's name exists already, the run fails without deleting it, and
// its journal does not list it for cleanup either.
func TestExistingClusterIsNeverDeleted(t *testing.T) {
	t.Parallel()
	sc, err := scenarios.Load("../../scenarios/kill-controller-manager.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := &failingProvider{err: fmt.Errorf("create kind cluster: %w", clusters.ErrClusterExists)}
	journalDir := t.TempDir()
	res := Run(context.Background(), sc, Options{Provider: p, JournalDir: journalDir, ReportDir: t.TempDir(), Seed: 1})
	if res.Error == nil || res.ExitCode() != 3 || !strings.Contains(res.Error.Message, "exists already") {
		t.Fatalf("result error %+v", res.Error)
	}
	if len(p.deleted) != 0 || res.Cluster.Created {
		t.Fatalf("deleted %v (created %v); want no deletion of a cluster the run did not create", p.deleted, res.Cluster.Created)
	}
	if entries, _ := os.ReadDir(journalDir); len(entries) != 0 {
		t.Fatalf("journal left: %v", entries)
	}
}
