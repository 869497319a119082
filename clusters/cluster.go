// Package clusters defines cluster providers: what creates, finds and
// deletes the clusters a scenario runs on.
package clusters

import (
	"context"
	"errors"
	"io"
	"time"
)

// Node is a node of a cluster that commands can run in.
type Node interface {
	Name() string
	// Role is RoleControlPlane or RoleWorker.
	Role() string
	// Exec runs argv inside the node (as root, in the node's namespaces) and
	// returns its standard output. An error carries the command and its
	// combined output, and wraps an *exec.ExitError (its exit code) when the
	// command ran and failed.
	Exec(ctx context.Context, stdin io.Reader, argv ...string) ([]byte, error)
}

// PowerCycler is a Node that can be powered off and on like a machine; the
// kind provider's nodes are.
type PowerCycler interface {
	// Stop shuts the node down the way a machine shuts down (systemd's
	// stop signal), waiting up to grace before killing it.
	Stop(ctx context.Context, grace time.Duration) error
	// Start boots a stopped node and waits until its init system runs;
	// starting a running node does nothing.
	Start(ctx context.Context) error
	// Running reports whether the node runs, and when it last booted.
	Running(ctx context.Context) (bool, time.Time, error)
}

// Spec says what cluster to create.
type Spec struct {
	Name string
	// NodeImage is the node image; empty means the provider's image of
	// KubernetesVersion (or its default version).
	NodeImage string
	// KubernetesVersion (vMAJOR.MINOR.PATCH) chooses the node image when
	// NodeImage is empty; a provider refuses a NodeImage of another version.
	KubernetesVersion string
	// ControlPlanes is the number of control-plane nodes (default 1); with
	// more than one, the provider puts a load balancer in front of their
	// apiservers and every client goes through it.
	ControlPlanes int
	// Workers is the number of worker nodes besides the control planes.
	Workers int
	// KubeadmConfigPatches and ContainerdConfigPatches are added to the
	// provider's own (kind config patches).
	KubeadmConfigPatches    []string
	ContainerdConfigPatches []string
	// Wait bounds how long to wait for every node and kube-system Pod Ready.
	Wait time.Duration
	// LogDir receives node logs when the cluster does not become ready.
	LogDir string
	// HostNeeds are what the faults of the run need of the host besides
	// the cluster (NeedNetCls); the provider provides them, or fails
	// before creating anything.
	HostNeeds []string
}

// NeedNetCls: a v1 net_cls cgroup hierarchy on the host, so that a node
// can classify one component's sockets (the network fault's one-component
// edge).
const NeedNetCls = "net_cls"

// Cluster is a running cluster.
type Cluster struct {
	Name       string
	Provider   string
	NodeImage  string
	Kubeconfig []byte
	Nodes      []Node
	// Subnet is the IPv4 subnet of the network the nodes are on (CIDR),
	// when the provider knows it.
	Subnet string
}

// ErrClusterExists is wrapped by a provider's Create when a cluster of that
// name exists already: it was not made by this call, and the caller must
// not delete it.
var ErrClusterExists = errors.New("a cluster of that name exists already")

// Provider creates and deletes clusters.
type Provider interface {
	Name() string
	Create(ctx context.Context, spec Spec) (*Cluster, error)
	Get(ctx context.Context, name string) (*Cluster, error)
	Delete(ctx context.Context, name string) error
	List(ctx context.Context) ([]string, error)
	// LoadImages copies images from the host's image store into every node.
	LoadImages(ctx context.Context, name string, images []string) error
	// ExportLogs writes the nodes' logs (kubelet, containerd, pods) to dir.
	ExportLogs(ctx context.Context, name, dir string) error
	// EnsureHost makes the host offer what faults need (Need* constants),
	// or returns an error that says what is missing and how to provide it.
	// Create calls it for Spec.HostNeeds; a run on an existing cluster
	// calls it before any fault.
	EnsureHost(ctx context.Context, needs []string) error
}
