package faults

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
)

// Target says what a fault hits. Which fields apply depends on the fault
// type (its Spec.Targets).
type Target struct {
	// Component, or Namespace and Selector, choose Pods (Workload).
	Component string `yaml:"component,omitempty" json:"component,omitempty" doc:"control-plane component (static pod): kube-apiserver, kube-controller-manager, kube-scheduler or etcd"`
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty" doc:"namespace of the Pods (with selector)"`
	Selector  string `yaml:"selector,omitempty" json:"selector,omitempty" doc:"label selector of the Pods (with namespace), e.g. app=agent"`
	// Node is a role (control-plane, worker), a role with kind's index
	// (control-plane2) or a node name; the default is the control plane.
	Node string `yaml:"node,omitempty" json:"node,omitempty" doc:"a role (control-plane, worker: every node of it), a role with its index (control-plane2, worker2), a kind node name, or leader:NAMESPACE/LEASE (the node of that Lease's holder when the fault starts); default control-plane"`
	// Container names the container of the chosen Pods.
	Container string `yaml:"container,omitempty" json:"container,omitempty" doc:"container of the chosen Pods (default: the first)"`
	// Process is a process name (its executable's, or /proc/PID/comm)
	// inside the target, to hit a child process.
	Process string `yaml:"process,omitempty" json:"process,omitempty" doc:"a process name (executable or comm) inside the component or container"`
}

// Workload is the Pods the target chooses, the model faults share with
// triggers and assertions.
func (t Target) Workload() clusters.Workload {
	return clusters.Workload{Component: t.Component, Namespace: t.Namespace, Selector: t.Selector}
}

// Targets is the set of target fields a fault type takes.
type Targets uint8

// Target fields.
const (
	TargetNode      Targets = 1 << iota // node (default control-plane)
	TargetComponent                     // component: a control-plane static pod
	TargetPods                          // namespace + selector
	TargetContainer                     // container of the chosen Pods
	TargetProcess                       // process inside the component or container
	// WorkloadRequired: one of component or namespace+selector must be set.
	WorkloadRequired
)

var targetFields = []struct {
	bit   Targets
	name  string
	isSet func(Target) bool
}{
	{TargetNode, "node", func(t Target) bool { return t.Node != "" }},
	{TargetComponent, "component", func(t Target) bool { return t.Component != "" }},
	{TargetPods, "namespace and selector", func(t Target) bool { return t.Namespace != "" || t.Selector != "" }},
	{TargetContainer, "container", func(t Target) bool { return t.Container != "" }},
	{TargetProcess, "process", func(t Target) bool { return t.Process != "" }},
}

// processRE: a process name as /proc/PID/exe's base name or comm shows it.
var processRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$`)

// validate checks a target against the fields a fault type takes, and the
// grammar of every field.
func (ts Targets) validate(typ string, t Target) field.ErrorList {
	path := field.NewPath("target")
	var errs field.ErrorList
	var takes []string
	for _, f := range targetFields {
		if ts&f.bit != 0 {
			takes = append(takes, f.name)
		}
	}
	for _, f := range targetFields {
		if ts&f.bit == 0 && f.isSet(t) {
			name := strings.Fields(f.name)[0]
			errs = append(errs, field.Forbidden(path.Child(name), fmt.Sprintf("%s takes %s", typ, orNothing(takes))))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if ts&(TargetComponent|TargetPods) != 0 {
		errs = append(errs, t.Workload().Validate(path, ts&WorkloadRequired != 0)...)
	}
	errs = append(errs, validateNodeRef(path.Child("node"), t.Node)...)
	if t.Container != "" {
		if msgs := validation.IsDNS1123Label(t.Container); len(msgs) > 0 {
			errs = append(errs, field.Invalid(path.Child("container"), t.Container, "not a container name: "+strings.Join(msgs, "; ")))
		}
		if t.Selector == "" {
			errs = append(errs, field.Required(path.Child("selector"), "a container goes with namespace and selector"))
		}
	}
	if t.Process != "" && !processRE.MatchString(t.Process) {
		errs = append(errs, field.Invalid(path.Child("process"), t.Process,
			"not a process name: letters, digits, '_', '.', '+' and '-', at most 64"))
	}
	if t.Process != "" && t.Selector == "" {
		errs = append(errs, field.Required(path.Child("selector"), "a process goes with namespace and selector (the container it runs in)"))
	}
	return errs
}

func orNothing(names []string) string {
	switch len(names) {
	case 0:
		return "no target"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// PodContainer is a running container of a Pod chosen by a target.
type PodContainer struct {
	Pod         string
	Node        clusters.Node
	ContainerID string // without the runtime prefix
	// HostNetwork is true for a Pod in its node's network namespace.
	HostNetwork bool
}

// PodContainers lists the running containers chosen by the target's
// namespace, selector and container (the first container when empty).
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
		n := env.Cluster.Node(p.Spec.NodeName)
		if n == nil {
			return nil, fmt.Errorf("pod %s/%s runs on node %s, which is not a node of cluster %s", p.Namespace, p.Name, p.Spec.NodeName, env.Cluster.Name)
		}
		out = append(out, PodContainer{Pod: p.Namespace + "/" + p.Name, Node: n, ContainerID: id, HostNetwork: p.Spec.HostNetwork})
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

// nodes resolves the target's node (default control-plane): a role, a
// role and index, a node name (clusters.Cluster.Select), or the node of a
// Lease's holder (LeaderPrefix), noted with env.Note.
func (t Target) nodes(ctx context.Context, env Env) ([]clusters.Node, error) {
	if strings.HasPrefix(t.Node, LeaderPrefix) {
		n, note, err := leaderNode(ctx, env, t.Node)
		if err != nil {
			return nil, err
		}
		env.note(note)
		return []clusters.Node{n}, nil
	}
	return env.Cluster.Select(t.Node, clusters.RoleControlPlane)
}

// describe says what the target is, for people ("kube-controller-manager
// on control-plane").
func (t Target) String() string {
	s := ""
	switch {
	case t.Component != "":
		s = t.Component
	case t.Selector != "":
		s = fmt.Sprintf("pods %s in %s", t.Selector, t.Namespace)
	}
	if t.Container != "" {
		s += " container " + t.Container
	}
	if t.Process != "" {
		s += " process " + t.Process
	}
	node := t.Node
	if node == "" {
		node = clusters.RoleControlPlane
	}
	if s == "" {
		return "node " + node
	}
	return s + " on " + node
}
