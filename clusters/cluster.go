// Package clusters defines cluster providers: what creates, finds and
// deletes the clusters a scenario runs on.
package clusters

import (
	"context"
	"io"
	"time"
)

// Components are the control-plane static pods of a kubeadm cluster; each
// runs in kube-system with the label component=NAME.
var Components = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"}

// Node is a node of a cluster that commands can run in.
type Node interface {
	Name() string
	// Role is "control-plane" or "worker".
	Role() string
	// Exec runs argv inside the node (as root, in the node's namespaces) and
	// returns its standard output. An error carries the command and its
	// combined output.
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
}

// Spec says what cluster to create.
type Spec struct {
	Name string
	// NodeImage is the node image; empty means the provider's default.
	NodeImage string
	// Workers is the number of worker nodes besides the one control plane.
	Workers int
	// KubeadmConfigPatches and ContainerdConfigPatches are added to the
	// provider's own (kind config patches).
	KubeadmConfigPatches    []string
	ContainerdConfigPatches []string
	// Wait bounds how long to wait for every node and kube-system Pod Ready.
	Wait time.Duration
	// LogDir receives node logs when the cluster does not become ready.
	LogDir string
}

// Cluster is a running cluster.
type Cluster struct {
	Name       string
	Provider   string
	NodeImage  string
	Kubeconfig []byte
	Nodes      []Node
}

// ControlPlane returns the first control-plane node, or nil.
func (c *Cluster) ControlPlane() Node {
	for _, n := range c.Nodes {
		if n.Role() == "control-plane" {
			return n
		}
	}
	return nil
}

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
}
