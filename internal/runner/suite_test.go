package runner

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/scenarios"
)

// countingProvider creates clusters that have no kubeconfig (every run on
// them stops at its cluster phase) and counts creations and deletions.
type countingProvider struct {
	failingProvider
	created []string
}

func (p *countingProvider) Create(_ context.Context, s clusters.Spec) (*clusters.Cluster, error) {
	p.created = append(p.created, s.Name)
	return &clusters.Cluster{Name: s.Name, Provider: "fake"}, nil
}

func load(t *testing.T, name string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Load("../../scenarios/" + name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestGroupAlikeClusters(t *testing.T) {
	t.Parallel()
	a, b, c := load(t, "kill-controller-manager"), load(t, "lease-loss"), load(t, "partition-controller-manager")
	other := load(t, "pause-controller-manager")
	other.Cluster.Workers = 1
	iso := load(t, "reboot-control-plane")
	iso.Cluster.Isolated = true
	groups := group([]SuiteEntry{{Scenario: a}, {Scenario: other}, {Scenario: b}, {Scenario: iso}, {Scenario: c}}, SuiteOptions{})
	var got []string
	for _, g := range groups {
		var names []string
		for _, e := range g.entries {
			names = append(names, e.Scenario.Metadata.Name)
		}
		got = append(got, strings.Join(names, "+"))
		if g.isolated != (names[0] == "reboot-control-plane") {
			t.Errorf("group %v isolated %v", names, g.isolated)
		}
	}
	want := "kill-controller-manager+lease-loss+partition-controller-manager | pause-controller-manager | reboot-control-plane"
	if strings.Join(got, " | ") != want {
		t.Fatalf("groups %q, want %q", strings.Join(got, " | "), want)
	}
	if n := groups[0].spec.HostNeeds; len(n) != 1 || n[0] != clusters.NeedNetCls {
		t.Fatalf("the group's host needs %v; want the partition's net_cls", n)
	}
	if g := group([]SuiteEntry{{Scenario: a}, {Scenario: b}}, SuiteOptions{FreshCluster: true}); len(g) != 2 || !g[0].isolated {
		t.Fatalf("FreshCluster: %d groups", len(g))
	}
}

// TestSuiteSharesResetsAndReplaces: three alike scenarios share one cluster,
// reset between runs; a reset that fails replaces the cluster, and the
// next run says why; an isolated scenario gets its own cluster.
func TestSuiteSharesResetsAndReplaces(t *testing.T) {
	t.Parallel()
	kill, lease := load(t, "kill-controller-manager"), load(t, "lease-loss")
	iso := load(t, "reboot-control-plane")
	iso.Cluster.Isolated = true
	p := &countingProvider{}
	resets := 0
	s := &suite{o: SuiteOptions{Options: Options{Provider: p, JournalDir: t.TempDir(), Log: discard()}, ResetTimeout: time.Minute},
		pr: newProgress(nil), reset: func(context.Context, *clusters.Cluster, time.Duration) error {
			resets++
			if resets == 2 {
				return errors.New("kube-scheduler not Ready")
			}
			return nil
		}}
	for _, g := range group([]SuiteEntry{{Scenario: kill}, {Scenario: lease}, {Scenario: iso}, {Scenario: kill}}, s.o) {
		s.runGroup(context.Background(), g)
	}
	if len(s.runs) != 4 || resets != 2 {
		t.Fatalf("%d runs, %d resets; want 4 runs and 2 resets (before the 2nd and 3rd run of the shared cluster)", len(s.runs), resets)
	}
	// shared: created, replaced once; the isolated run: its own.
	if len(p.created) != 3 || len(p.deleted) != 3 {
		t.Fatalf("created %v, deleted %v; want 3 clusters made and deleted", p.created, p.deleted)
	}
	if !s.runs[0].Cluster.Shared || s.runs[1].Cluster.Replaced != "" || !strings.Contains(s.runs[2].Cluster.Replaced, "kube-scheduler not Ready") {
		t.Fatalf("cluster notes %+v %+v %+v", s.runs[0].Cluster, s.runs[1].Cluster, s.runs[2].Cluster)
	}
	if s.runs[3].Scenario != "reboot-control-plane" || s.runs[3].Cluster.Shared {
		t.Fatalf("the isolated run %+v", s.runs[3].Cluster)
	}
}
