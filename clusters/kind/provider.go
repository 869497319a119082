// Package kind is the cluster provider that runs clusters in Docker
// containers with the sigs.k8s.io/kind library. It adapts to the host by
// itself (cgroup v1, a capability bounding set without CAP_SYS_RESOURCE) and
// sets up a pod network that needs no container image.
package kind

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/kind/pkg/cluster"
	kindexec "sigs.k8s.io/kind/pkg/exec"

	"github.com/harness-dev/harness/clusters"
)

// DefaultKubernetesVersion is the release a cluster runs when a scenario
// names none.
const DefaultKubernetesVersion = "v1.35.4"

// DefaultNodeImage is kind's stock image of the default release. It cannot
// be pulled without a registry; `make node-image` builds OfflineNodeImage
// from Debian packages and Go module sources instead.
const (
	DefaultNodeImage = "kindest/node:" + DefaultKubernetesVersion
	OfflineNodeImage = "harness.dev/kind-node:" + DefaultKubernetesVersion
	podSubnet        = "10.244.0.0/16"
)

// Provider creates kind clusters.
type Provider struct {
	kind *cluster.Provider
	log  *slog.Logger
	// StateDir holds the kubeconfig files of the clusters this provider made.
	StateDir string
}

// New returns a kind provider that logs to log and keeps kubeconfigs in stateDir.
func New(log *slog.Logger, stateDir string) *Provider {
	return &Provider{
		kind:     cluster.NewProvider(cluster.ProviderWithDocker(), cluster.ProviderWithLogger(kindLogger{log})),
		log:      log,
		StateDir: stateDir,
	}
}

// Name returns "kind".
func (p *Provider) Name() string { return "kind" }

func (p *Provider) kubeconfigPath(name string) string {
	return filepath.Join(p.StateDir, "kubeconfig-"+name)
}

// Create creates a cluster, sets up its pod network and waits until every
// node and kube-system Pod is Ready. A cluster that does not become ready is
// deleted after its logs were exported to spec.LogDir.
func (p *Provider) Create(ctx context.Context, spec clusters.Spec) (*clusters.Cluster, error) {
	image, err := NodeImageFor(ctx, spec.NodeImage, spec.KubernetesVersion)
	if err != nil {
		return nil, err
	}
	spec.NodeImage = image
	if spec.Wait == 0 {
		spec.Wait = 5 * time.Minute
	}
	host, err := DetectHost(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.EnsureHost(ctx, spec.HostNeeds); err != nil {
		return nil, err
	}
	if err := ensureImage(ctx, spec.NodeImage); err != nil {
		return nil, err
	}
	if err := ensureLoadBalancerImage(ctx, spec.ControlPlanes); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(p.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("state dir: %w", err)
	}
	if err := p.createNodes(ctx, spec, host); err != nil {
		return nil, err
	}
	c, err := p.finishCreate(ctx, spec)
	if err != nil {
		p.exportOnFailure(ctx, spec)
		_ = p.Delete(context.WithoutCancel(ctx), spec.Name)
		return nil, err
	}
	return c, nil
}

// createNodes has kind create the cluster's nodes, holding the network
// lock shared so that no other run removes kind's network meanwhile. A
// cluster of that name that exists already is not this call's: it is
// never deleted (ErrClusterExists); a creation that failed otherwise is.
func (p *Provider) createNodes(ctx context.Context, spec clusters.Spec, host Host) error {
	unlock, err := lockShared(ctx, NetworkLockPath)
	if err != nil {
		return err
	}
	defer unlock()
	names, err := p.List(ctx)
	if err != nil {
		return fmt.Errorf("list kind clusters: %w", err)
	}
	if slices.Contains(names, spec.Name) {
		return fmt.Errorf("create kind cluster %q: %w; this run neither uses nor deletes it", spec.Name, clusters.ErrClusterExists)
	}
	cfg := kindConfig(spec, host)
	p.log.Info("creating kind cluster", "name", spec.Name, "image", spec.NodeImage, "controlPlanes", max(spec.ControlPlanes, 1), "workers", spec.Workers,
		"cgroupV1", host.CgroupV1, "restrictOOMScoreAdj", host.LacksSysResource)
	err = runCancellable(ctx, func() error {
		return p.kind.Create(spec.Name,
			cluster.CreateWithV1Alpha4Config(cfg),
			cluster.CreateWithNodeImage(spec.NodeImage),
			cluster.CreateWithKubeconfigPath(p.kubeconfigPath(spec.Name)),
			cluster.CreateWithDisplayUsage(false),
			cluster.CreateWithDisplaySalutation(false))
	})
	if err != nil && strings.Contains(err.Error(), "already exist") {
		// Created by someone else between the list and kind's own check.
		return fmt.Errorf("create kind cluster %q: %w (%v); this run neither uses nor deletes it", spec.Name, clusters.ErrClusterExists, err)
	}
	if err != nil {
		unlock() // Delete may remove the network
		_ = p.Delete(context.WithoutCancel(ctx), spec.Name)
		return fmt.Errorf("create kind cluster %q from image %s: %w", spec.Name, spec.NodeImage, err)
	}
	return nil
}

func (p *Provider) finishCreate(ctx context.Context, spec clusters.Spec) (*clusters.Cluster, error) {
	c, err := p.Get(ctx, spec.Name)
	if err != nil {
		return nil, err
	}
	client, err := c.Client()
	if err != nil {
		return nil, err
	}
	netCtx, cancel := context.WithTimeout(ctx, spec.Wait)
	defer cancel()
	if err := setupPodNetwork(netCtx, client, c.Nodes, podSubnet); err != nil {
		return nil, fmt.Errorf("pod network of cluster %q: %w%s", spec.Name, err, nodeLogs(ctx, c.Nodes))
	}
	if err := waitReady(ctx, client, len(c.Nodes), spec.Wait); err != nil {
		return nil, fmt.Errorf("cluster %q: %w%s", spec.Name, err, nodeLogs(ctx, c.Nodes))
	}
	return c, nil
}

// exportOnFailure writes the nodes' logs to spec.LogDir so that an error
// about a cluster that never became ready can be diagnosed.
func (p *Provider) exportOnFailure(ctx context.Context, spec clusters.Spec) {
	if spec.LogDir == "" {
		return
	}
	if err := p.ExportLogs(ctx, spec.Name, spec.LogDir); err != nil {
		p.log.Warn("exporting node logs failed", "cluster", spec.Name, "err", err)
		return
	}
	p.log.Info("node logs exported", "cluster", spec.Name, "dir", spec.LogDir)
}

// Get returns an existing cluster. When its kubeconfig cannot be read (the
// control-plane node is powered off) it returns the nodes and an error.
func (p *Provider) Get(ctx context.Context, name string) (*clusters.Cluster, error) {
	kindNodes, err := p.kind.ListNodes(name)
	if err != nil {
		return nil, fmt.Errorf("nodes of kind cluster %q: %w", name, err)
	}
	c := &clusters.Cluster{Name: name, Provider: p.Name()}
	for _, kn := range kindNodes {
		role, err := kn.Role()
		if err != nil {
			return nil, fmt.Errorf("role of node %s: %w", kn.String(), err)
		}
		if role == loadBalancerRole {
			// kind's load balancer container is no Kubernetes node.
			continue
		}
		c.Nodes = append(c.Nodes, &node{n: kn, role: role})
	}
	if len(c.Nodes) == 0 {
		return nil, fmt.Errorf("kind cluster %q has no nodes", name)
	}
	c.NodeImage = nodeImage(ctx, c.Nodes[0].Name())
	c.Subnet = networkSubnet(ctx)
	kubeconfig, err := p.kind.KubeConfig(name, false)
	if err != nil {
		// A powered-off control plane (a reboot-node fault cut short) has no
		// readable kubeconfig; the nodes are still there to revert faults on.
		return c, fmt.Errorf("kubeconfig of kind cluster %q (is its control-plane node running?): %w", name, err)
	}
	c.Kubeconfig = []byte(kubeconfig)
	return c, nil
}

// Delete deletes a cluster; deleting one that does not exist is not an error.
func (p *Provider) Delete(ctx context.Context, name string) error {
	if err := p.kind.Delete(name, p.kubeconfigPath(name)); err != nil {
		return fmt.Errorf("delete kind cluster %q: %w", name, err)
	}
	_ = os.Remove(p.kubeconfigPath(name))
	p.removeNetworkIfUnused(ctx)
	return nil
}

// removeNetworkIfUnused removes kind's Docker network once no kind cluster
// is left on the host, so that a run leaves no network behind. It gives up
// (the network stays) when another run is creating a cluster: that run
// holds the network lock shared.
func (p *Provider) removeNetworkIfUnused(ctx context.Context) {
	unlock, ok := tryLockExclusive(NetworkLockPath)
	if !ok {
		p.log.Info("kind network kept: another run is creating a cluster")
		return
	}
	defer unlock()
	if names, err := p.kind.List(); err != nil || len(names) > 0 {
		return
	}
	out, err := exec.CommandContext(ctx, "docker", "network", "inspect", "kind", "--format", "{{len .Containers}}").Output()
	if err != nil || strings.TrimSpace(string(out)) != "0" {
		return
	}
	if out, err := exec.CommandContext(ctx, "docker", "network", "rm", "kind").CombinedOutput(); err != nil {
		p.log.Warn("removing the kind network failed", "err", err, "output", strings.TrimSpace(string(out)))
	}
}

// EnsureHost provides what faults need of the host: NeedNetCls mounts the
// net_cls hierarchy when the kernel has it enabled but unmounted.
func (p *Provider) EnsureHost(_ context.Context, needs []string) error {
	for _, n := range needs {
		switch n {
		case clusters.NeedNetCls:
			if err := EnsureNetCls(p.log); err != nil {
				return err
			}
		default:
			return fmt.Errorf("host need %q unknown to the kind provider", n)
		}
	}
	return nil
}

// List returns the names of the kind clusters on this host. It fails when
// Docker does not answer, with what docker said.
func (p *Provider) List(ctx context.Context) ([]string, error) {
	names, err := p.kind.List()
	if err != nil {
		return nil, withOutput(err)
	}
	return names, nil
}

// withOutput adds the last line a failed command of kind printed (such as
// "Cannot connect to the Docker daemon ...") to its error.
func withOutput(err error) error {
	if re := kindexec.RunErrorForError(err); re != nil && len(re.Output) > 0 {
		return fmt.Errorf("%w: %s", err, lastLine(string(re.Output)))
	}
	return err
}

// ExportLogs writes kind's log export (kubelet, containerd, journal, pods).
// Pieces kind cannot collect from the offline image (it has no crictl) are
// skipped; it fails only when nothing was written.
func (p *Provider) ExportLogs(ctx context.Context, name, dir string) error {
	err := p.kind.CollectLogs(name, dir)
	if err == nil {
		return nil
	}
	if entries, readErr := os.ReadDir(dir); readErr == nil && len(entries) > 0 {
		p.log.Info("some node logs could not be collected", "cluster", name, "err", lastLine(err.Error()))
		return nil
	}
	return fmt.Errorf("export logs of cluster %q: %w", name, err)
}

func kindConfig(spec clusters.Spec, host Host) *v1alpha4.Cluster {
	cfg := &v1alpha4.Cluster{
		TypeMeta: v1alpha4.TypeMeta{Kind: "Cluster", APIVersion: "kind.x-k8s.io/v1alpha4"},
	}
	for i := 0; i < max(spec.ControlPlanes, 1); i++ {
		cfg.Nodes = append(cfg.Nodes, v1alpha4.Node{Role: v1alpha4.ControlPlaneRole})
	}
	for i := 0; i < spec.Workers; i++ {
		cfg.Nodes = append(cfg.Nodes, v1alpha4.Node{Role: v1alpha4.WorkerRole})
	}
	cfg.Networking.DisableDefaultCNI = true
	cfg.Networking.PodSubnet = podSubnet
	kubeadm, containerd := host.Patches()
	cfg.KubeadmConfigPatches = append(kubeadm, spec.KubeadmConfigPatches...)
	cfg.ContainerdConfigPatches = append(containerd, spec.ContainerdConfigPatches...)
	return cfg
}

// ensureImage fails with a clear error when the node image is neither local
// nor pullable.
func ensureImage(ctx context.Context, image string) error {
	if exec.CommandContext(ctx, "docker", "image", "inspect", "--", image).Run() == nil {
		return nil
	}
	pullCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(pullCtx, "docker", "pull", "--", image).CombinedOutput()
	if err == nil {
		return nil
	}
	version := ImageVersion(image)
	if version == "" {
		version = DefaultKubernetesVersion
	}
	return fmt.Errorf("node image %s is not on this host and cannot be pulled (docker pull: %s); "+
		"build the offline image with `make node-image KUBERNETES_VERSION=%s` (it makes %s, which the harness then uses)",
		image, lastLine(string(out)), version, OfflineImage(version))
}

func nodeImage(ctx context.Context, container string) string {
	out, err := exec.CommandContext(ctx, "docker", "inspect", "--format", "{{.Config.Image}}", "--", container).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// runCancellable runs f (which cannot be cancelled) and returns early with
// ctx's error when ctx ends; f's result is then awaited so that nothing it
// creates escapes the caller's cleanup.
func runCancellable(ctx context.Context, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		err := <-done
		return errors.Join(ctx.Err(), err)
	}
}
