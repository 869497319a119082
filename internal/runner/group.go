package runner

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/harness-dev/harness/clusters"
)

// runGroup is scenarios that run on one cluster.
type runGroup struct {
	spec     clusters.Spec
	isolated bool
	entries  []SuiteEntry
}

// group puts the entries whose clusters are alike (clusterKey) in one
// group, in the order they first appear; a scenario with cluster.isolated
// gets a group of its own, and so does a scenario that reuses a named
// cluster (it runs there, as a single run would).
func group(entries []SuiteEntry, o SuiteOptions) []runGroup {
	var out []runGroup
	index := map[string]int{}
	for _, e := range entries {
		spec := specOf(e.Scenario, o.NodeImage, o.KubernetesVersion)
		isolated := o.FreshCluster || e.Scenario.Cluster.Isolated || (e.Cluster != nil && o.Cluster == nil)
		key := clusterKey(spec)
		if i, ok := index[key]; ok && !isolated {
			out[i].entries = append(out[i].entries, e)
			out[i].spec.HostNeeds = union(out[i].spec.HostNeeds, spec.HostNeeds)
			continue
		}
		if !isolated {
			index[key] = len(out)
		}
		out = append(out, runGroup{spec: spec, isolated: isolated, entries: []SuiteEntry{e}})
	}
	return out
}

// clusterKey says which clusters are alike: the node image and Kubernetes
// version, the nodes, and the config patches. (What the faults need of the
// host is provided for the whole group.)
func clusterKey(s clusters.Spec) string {
	return fmt.Sprintf("%s|%s|%d|%d|%s|%s", s.NodeImage, s.KubernetesVersion, max(s.ControlPlanes, 1), s.Workers,
		strings.Join(s.KubeadmConfigPatches, "\x00"), strings.Join(s.ContainerdConfigPatches, "\x00"))
}

func union(a, b []string) []string {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	return a
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
