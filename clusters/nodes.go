package clusters

import (
	"fmt"
	"sort"
	"strings"
)

// Node roles, as kind and kubeadm name them.
const (
	RoleControlPlane = "control-plane"
	RoleWorker       = "worker"
)

// Roles are the node roles, for error messages.
var Roles = []string{RoleControlPlane, RoleWorker}

// ControlPlane returns the first control-plane node, or nil.
func (c *Cluster) ControlPlane() Node {
	for _, n := range c.Nodes {
		if n.Role() == RoleControlPlane {
			return n
		}
	}
	return nil
}

// Node returns the node with this name, or nil.
func (c *Cluster) Node(name string) Node {
	if c == nil {
		return nil
	}
	for _, n := range c.Nodes {
		if n.Name() == name {
			return n
		}
	}
	return nil
}

// Select returns the nodes that ref names (see ValidateNode): a role
// (every node of it), a role with kind's index (control-plane2: the node
// kind names CLUSTER-control-plane2; index 1 is CLUSTER-control-plane), or
// a node name; def when ref is empty. The error lists the valid choices.
func (c *Cluster) Select(ref, def string) ([]Node, error) {
	want := ref
	if want == "" {
		want = def
	}
	indexed := want // kind names the first node of a role without an index
	for _, r := range Roles {
		if want == r+"1" {
			indexed = r
		}
	}
	var out []Node
	var names []string
	for _, n := range c.Nodes {
		names = append(names, n.Name())
		if n.Name() == want || n.Role() == want || n.Name() == c.Name+"-"+indexed {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		sort.Strings(names)
		return nil, fmt.Errorf("node %q matches no node of cluster %s; valid: %s, %s", want, c.Name,
			strings.Join(Roles, ", "), strings.Join(names, ", "))
	}
	return out, nil
}
