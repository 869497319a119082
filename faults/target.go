package faults

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-dev/harness/clusters"
)

func validComponent(c string) error {
	if slices.Contains(clusters.Components, c) {
		return nil
	}
	return fmt.Errorf("target.component: unknown component %q; valid: %s", c, strings.Join(clusters.Components, ", "))
}

// Nodes resolves t.Node to the cluster's nodes: a node name, a role
// ("control-plane", "worker"), or, when empty, def.
func (t Target) Nodes(c *clusters.Cluster, def string) ([]clusters.Node, error) {
	want := t.Node
	if want == "" {
		want = def
	}
	var out, all []clusters.Node
	var names []string
	for _, n := range c.Nodes {
		all = append(all, n)
		names = append(names, n.Name())
		if n.Name() == want || n.Role() == want {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		sort.Strings(names)
		return nil, fmt.Errorf("target.node %q matches no node; valid: control-plane, worker, %s", want, strings.Join(names, ", "))
	}
	return out, nil
}

// PodContainer is a running container of a Pod chosen by a target.
type PodContainer struct {
	Pod         string
	Node        clusters.Node
	ContainerID string // without the runtime prefix
}

// PodContainers lists the running containers chosen by t.Namespace,
// t.Selector and t.Container (the first container when empty).
func (t Target) PodContainers(ctx context.Context, env Env) ([]PodContainer, error) {
	pods, err := env.Client.CoreV1().Pods(t.Namespace).List(ctx, metav1.ListOptions{LabelSelector: t.Selector})
	if err != nil {
		return nil, fmt.Errorf("list pods %s in %s: %w", t.Selector, t.Namespace, err)
	}
	var out []PodContainer
	for _, p := range pods.Items {
		id := containerID(p, t.Container)
		if id == "" || p.Spec.NodeName == "" {
			continue
		}
		n, err := Target{Node: p.Spec.NodeName}.Nodes(env.Cluster, "")
		if err != nil {
			return nil, err
		}
		out = append(out, PodContainer{Pod: p.Namespace + "/" + p.Name, Node: n[0], ContainerID: id})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no running container matches namespace %q selector %q container %q",
			t.Namespace, t.Selector, t.Container)
	}
	return out, nil
}

func containerID(p corev1.Pod, container string) string {
	for _, s := range p.Status.ContainerStatuses {
		if (container == "" || s.Name == container) && s.State.Running != nil {
			_, id, _ := strings.Cut(s.ContainerID, "://")
			return id
		}
	}
	return ""
}

// containerPIDScript prints the host-namespace PID of a containerd task
// inside a node.
func containerPIDScript(containerID string) string {
	return fmt.Sprintf("ctr -n k8s.io task ls | awk '$1 == %q {print $2}'", containerID)
}
