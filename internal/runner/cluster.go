package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/internal/journal"
	"github.com/harness-dev/harness/internal/lifecycle"
	"github.com/harness-dev/harness/scenarios"
	"github.com/harness-dev/harness/timeline"
)

// cluster creates the scenario's cluster, or takes the one of the options,
// and connects a client to it.
func (r *run) cluster(ctx context.Context) error {
	start := time.Now()
	c := r.o.Cluster
	if c != nil {
		r.pr.step("using cluster %s", c.Name)
		if err := r.o.Provider.EnsureHost(ctx, r.hostNeeds()); err != nil {
			return err
		}
		if err := r.jr.Update(func(e *journal.Entry) { e.Provider, e.Cluster = c.Provider, c.Name }); err != nil {
			return err
		}
	} else {
		var err error
		if c, err = r.createCluster(ctx); err != nil {
			return err
		}
	}
	client, err := c.Client()
	if err != nil {
		return err
	}
	r.env.Cluster, r.env.Client = c, client
	r.lc = lifecycle.New(r.env, r.jr, r.tl, r.pr.step)
	r.res.Cluster.Name, r.res.Cluster.Provider, r.res.Cluster.NodeImage = c.Name, c.Provider, c.NodeImage
	r.res.Cluster.Created = r.created
	if v, err := client.Discovery().ServerVersion(); err == nil {
		r.res.Cluster.KubernetesVersion = v.GitVersion
	}
	r.tl.Mark(timeline.ClusterReady, c.Name)
	r.pr.step("cluster %s ready (%d nodes, %s) in %s", c.Name, len(c.Nodes), r.res.Cluster.KubernetesVersion,
		time.Since(start).Round(100*time.Millisecond))
	return nil
}

func (r *run) createCluster(ctx context.Context) (*clusters.Cluster, error) {
	spec := r.clusterSpec()
	// The journal learns of the cluster before it exists, so that cleanup
	// deletes it even when the harness dies while creating it.
	if err := r.jr.Update(func(e *journal.Entry) {
		e.Provider, e.Cluster, e.ClusterCreated = r.o.Provider.Name(), spec.Name, true
	}); err != nil {
		return nil, err
	}
	r.created = true
	r.env.Cluster = &clusters.Cluster{Name: spec.Name}
	r.pr.step("creating %s cluster %s (image %s, %d control planes, %d workers)", r.o.Provider.Name(), spec.Name,
		orDefault(spec.NodeImage), max(spec.ControlPlanes, 1), spec.Workers)
	c, err := r.o.Provider.Create(ctx, spec)
	if errors.Is(err, clusters.ErrClusterExists) {
		// Another run's (or someone's) cluster: never delete it.
		r.created = false
		if jerr := r.jr.Update(func(e *journal.Entry) { e.Cluster, e.ClusterCreated = "", false }); jerr != nil {
			err = errors.Join(err, jerr)
		}
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%w (node logs, if any, are under %s)", err, r.nodeLogDir())
	}
	return c, nil
}

// clusterSpec is the cluster the scenario asks for.
func (r *run) clusterSpec() clusters.Spec {
	spec := specOf(r.sc, r.o.NodeImage, r.o.KubernetesVersion)
	spec.Name, spec.LogDir = ClusterName(r.env.RunID), r.nodeLogDir()
	return spec
}

func (r *run) hostNeeds() []string { return hostNeeds(r.sc) }

// specOf is the cluster a scenario asks for, without a name: the node
// image and version (the flags', else the scenario's), control planes, workers, patches and
// what its faults need of the host.
func specOf(sc *scenarios.Scenario, nodeImage, kubernetesVersion string) clusters.Spec {
	cs := sc.Cluster
	if nodeImage == "" {
		nodeImage = cs.NodeImage
	}
	version := cs.KubernetesVersion
	if kubernetesVersion != "" {
		version = kubernetesVersion
	}
	return clusters.Spec{
		NodeImage: nodeImage, KubernetesVersion: version,
		ControlPlanes: cs.ControlPlanes, Workers: cs.Workers,
		KubeadmConfigPatches: cs.KubeadmConfigPatches, ContainerdConfigPatches: cs.ContainerdConfigPatches,
		HostNeeds: hostNeeds(sc),
	}
}

// hostNeeds collects what a scenario's faults need of the host.
func hostNeeds(sc *scenarios.Scenario) []string {
	var out []string
	for _, f := range sc.Faults {
		if h, ok := f.Fault.(faults.HostNeeder); ok {
			for _, n := range h.HostNeeds() {
				if !slices.Contains(out, n) {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

func orDefault(image string) string {
	if image == "" {
		return "provider default"
	}
	return image
}
