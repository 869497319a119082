package faults

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/harness-dev/harness/clusters"
)

// StaticPodsParams are the parameters of the rebuild-static-pods fault.
type StaticPodsParams struct {
	Components []string `yaml:"components" doc:"control-plane static pods to rebuild: kube-apiserver, kube-controller-manager, kube-scheduler, etcd"`
	Mode       string   `yaml:"mode" doc:"move (default: the manifests leave the kubelet's static pod directory for the duration, so the pods are deleted, then come back) or rewrite (an annotation is added, so the kubelet recreates the pods, and again when the revert restores the manifests)"`
	Hook       string   `yaml:"hook" doc:"a shell command run inside the node while the pods are rebuilt (e.g. a node agent's startup hook); its output is logged"`
}

var staticPodModes = []string{"move", "rewrite"}

const manifestDir = "/etc/kubernetes/manifests"

var staticPodsSpec = Spec{
	Type: "rebuild-static-pods",
	Doc: "make the kubelet tear down and rebuild control-plane static pods (etcd, kube-apiserver, ...) by moving or " +
		"rewriting their manifests, optionally while a hook runs; the revert restores the manifests byte for byte",
	NeedsDuration: true,
	NewParams:     func() any { return &StaticPodsParams{} },
	New:           newStaticPods,
}

type staticPods struct {
	c Common
	p StaticPodsParams
	// originals are the manifests as Plan read them, by node and component.
	originals map[string]map[string][]byte
	nodes     []clusters.Node
}

func newStaticPods(c Common, params any) (Fault, error) {
	p := *params.(*StaticPodsParams)
	if len(p.Components) == 0 {
		return nil, fmt.Errorf("params.components: missing; expected a list of %s", strings.Join(clusters.Components, ", "))
	}
	for _, comp := range p.Components {
		if !slices.Contains(clusters.Components, comp) {
			return nil, fmt.Errorf("params.components: unknown component %q; valid: %s", comp, strings.Join(clusters.Components, ", "))
		}
	}
	if p.Mode == "" {
		p.Mode = "move"
	}
	if !slices.Contains(staticPodModes, p.Mode) {
		return nil, fmt.Errorf("params.mode: unknown mode %q; valid: %s", p.Mode, strings.Join(staticPodModes, ", "))
	}
	if c.Target.Component != "" || c.Target.Selector != "" || c.Target.Process != "" {
		return nil, fmt.Errorf("target: rebuild-static-pods takes node (default control-plane); the pods go in params.components")
	}
	return &staticPods{c: c, p: p}, nil
}

func manifestPath(component string) string { return manifestDir + "/" + component + ".yaml" }

// Plan reads the manifests; the revert writes them back as they were.
func (f *staticPods) Plan(ctx context.Context, env Env) (Revert, error) {
	nodes, err := f.c.Target.Nodes(env.Cluster, "control-plane")
	if err != nil {
		return Revert{}, err
	}
	f.nodes, f.originals = nodes, map[string]map[string][]byte{}
	rev := Revert{Fault: f.c.Name, Type: staticPodsSpec.Type}
	for _, n := range nodes {
		f.originals[n.Name()] = map[string][]byte{}
		for _, comp := range f.p.Components {
			data, err := n.Exec(ctx, nil, "cat", manifestPath(comp))
			if err != nil {
				return Revert{}, fmt.Errorf("read the static pod manifest of %s: %w", comp, err)
			}
			f.originals[n.Name()][comp] = data
			rev.Steps = append(rev.Steps, Step{Node: n.Name(), Argv: []string{"sh", "-c", restoreScript(comp)}, Stdin: data})
		}
	}
	return rev, nil
}

// restoreScript writes stdin to the component's manifest through a file
// outside the manifest directory (the kubelet reads every file in it), and
// removes the moved copy.
func restoreScript(component string) string {
	tmp := "/etc/kubernetes/" + component + ".yaml.harness"
	return fmt.Sprintf("cat > %s && mv -f %s %s && rm -f %s", tmp, tmp, manifestPath(component), movedPath(component))
}

func movedPath(component string) string {
	return "/etc/kubernetes/harness-moved-" + component + ".yaml"
}

// Inject moves or rewrites the manifests, then starts the hook.
func (f *staticPods) Inject(ctx context.Context, env Env) error {
	for _, n := range f.nodes {
		for _, comp := range f.p.Components {
			if err := f.injectOne(ctx, env, n, comp); err != nil {
				return fmt.Errorf("rebuild-static-pods %s on %s: %w", comp, n.Name(), err)
			}
		}
		if f.p.Hook != "" {
			go runHook(context.WithoutCancel(ctx), env, n, f.c.Name, f.p.Hook)
		}
	}
	return nil
}

func (f *staticPods) injectOne(ctx context.Context, env Env, n clusters.Node, comp string) error {
	if f.p.Mode == "move" {
		_, err := n.Exec(ctx, nil, "mv", "-f", manifestPath(comp), movedPath(comp))
		return err
	}
	data, err := annotate(f.originals[n.Name()][comp], env.RunID)
	if err != nil {
		return err
	}
	tmp := "/etc/kubernetes/" + comp + ".yaml.harness"
	_, err = n.Exec(ctx, strings.NewReader(string(data)), "sh", "-c",
		fmt.Sprintf("cat > %s && mv -f %s %s", tmp, tmp, manifestPath(comp)))
	return err
}

// annotate adds an annotation to a static pod manifest, which changes the
// pod's hash so the kubelet recreates it.
func annotate(manifest []byte, runID string) ([]byte, error) {
	var pod corev1.Pod
	if err := yaml.UnmarshalStrict(manifest, &pod); err != nil {
		return nil, fmt.Errorf("parse static pod manifest: %w", err)
	}
	if pod.Annotations == nil {
		pod.Annotations = map[string]string{}
	}
	pod.Annotations["harness.dev/rebuilt-by"] = runID
	return yaml.Marshal(&pod)
}

// runHook runs the user's hook in the node and logs how it ended.
func runHook(ctx context.Context, env Env, n clusters.Node, fault, hook string) {
	out, err := n.Exec(ctx, nil, "sh", "-c", hook)
	if err != nil {
		env.Log.Warn("hook failed", "fault", fault, "node", n.Name(), "err", err)
		return
	}
	env.Log.Info("hook done", "fault", fault, "node", n.Name(), "output", strings.TrimSpace(string(out)))
}
