package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/internal/journal"
)

// cluster creates the scenario's cluster, or gets the one named by
// Options.Cluster, and connects a client to it.
func (r *run) cluster(ctx context.Context) error {
	start := time.Now()
	var c *clusters.Cluster
	var err error
	if existing := r.existingCluster(); existing != "" {
		r.pr.step("using existing cluster %s", existing)
		c, err = r.o.Provider.Get(ctx, existing)
	} else {
		c, err = r.createCluster(ctx)
	}
	if err != nil {
		return err
	}
	client, err := kind.Client(c.Kubeconfig)
	if err != nil {
		return err
	}
	r.env.Cluster, r.env.Client = c, client
	r.res.Cluster.Name, r.res.Cluster.Provider, r.res.Cluster.NodeImage = c.Name, c.Provider, c.NodeImage
	r.res.Cluster.Created = r.created
	if v, err := client.Discovery().ServerVersion(); err == nil {
		r.res.Cluster.KubernetesVersion = v.GitVersion
	}
	r.tl.Mark("cluster.ready", c.Name)
	r.pr.step("cluster %s ready (%d nodes, %s) in %s", c.Name, len(c.Nodes), r.res.Cluster.KubernetesVersion,
		time.Since(start).Round(100*time.Millisecond))
	return nil
}

func (r *run) createCluster(ctx context.Context) (*clusters.Cluster, error) {
	cs := r.sc.Cluster
	image := nodeImage(r.o.NodeImage, cs.NodeImage, cs.KubernetesVersion)
	name := "harness-" + r.env.RunID
	if len(name) > 50 {
		name = name[:50]
	}
	// The journal learns of the cluster before it exists, so that cleanup
	// deletes it even when the harness dies while creating it.
	if err := r.jr.Update(func(e *journal.Entry) {
		e.Provider, e.Cluster, e.ClusterCreated = r.o.Provider.Name(), name, true
	}); err != nil {
		return nil, err
	}
	r.created = true
	r.env.Cluster = &clusters.Cluster{Name: name}
	r.pr.step("creating %s cluster %s (image %s, %d workers)", r.o.Provider.Name(), name, orDefault(image), cs.Workers)
	c, err := r.o.Provider.Create(ctx, clusters.Spec{
		Name: name, NodeImage: image, Workers: cs.Workers,
		KubeadmConfigPatches: cs.KubeadmConfigPatches, ContainerdConfigPatches: cs.ContainerdConfigPatches,
		LogDir: r.nodeLogDir(),
	})
	if err != nil {
		return nil, fmt.Errorf("%w (node logs, if any, are under %s)", err, r.nodeLogDir())
	}
	return c, nil
}

func orDefault(image string) string {
	if image == "" {
		return "provider default"
	}
	return image
}

// existingCluster names the cluster to run on instead of creating one: the
// --cluster flag, else the scenario's cluster.reuse.
func (r *run) existingCluster() string {
	if r.o.Cluster != "" {
		return r.o.Cluster
	}
	return r.sc.Cluster.Reuse
}

// nodeImage chooses the node image: the flag, the scenario's nodeImage,
// kind's stock image of the scenario's kubernetesVersion, or the provider's
// default (empty).
func nodeImage(flag, scenario, version string) string {
	switch {
	case flag != "":
		return flag
	case scenario != "":
		return scenario
	case version != "":
		return "kindest/node:" + version
	}
	return ""
}
