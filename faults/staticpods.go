package faults

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/harness-dev/harness/clusters"
)

// StaticPodsParams are the parameters of the rebuild-static-pods fault.
type StaticPodsParams struct {
	Components []string `yaml:"components" doc:"control-plane static pods to rebuild: kube-apiserver, kube-controller-manager, kube-scheduler, etcd"`
	Mode       string   `yaml:"mode" doc:"move (default: the manifests leave the kubelet's static pod directory for the duration, so the pods are deleted, then come back) or rewrite (an annotation is added, so the kubelet recreates the pods, and again when the revert restores the manifests)"`
	Hook       string   `yaml:"hook" doc:"a shell command run as root inside the node while the pods are rebuilt (e.g. a node agent's startup hook); it is killed when the fault ends; its output is logged"`
}

var staticPodModes = []string{"move", "rewrite"}

const manifestDir = "/etc/kubernetes/manifests"

var staticPodsSpec = Spec{
	Type: "rebuild-static-pods",
	Doc: "make the kubelet tear down and rebuild control-plane static pods (etcd, kube-apiserver, ...) by moving or " +
		"rewriting their manifests, optionally while a hook runs; the revert stops the hook and restores the manifests byte for byte",
	NeedsDuration: true,
	Targets:       TargetNode,
	NewParams:     func() any { return &StaticPodsParams{} },
	New:           newStaticPods,
}

type staticPods struct {
	c Common
	p StaticPodsParams
	// originals are the manifests as Plan read them, by node and component.
	originals map[string]map[string][]byte
	nodes     []clusters.Node
	hookPID   string // the hook's pid file in the node
	// before are the components' PIDs before the injection, by node/component.
	before map[string][]string
}

func newStaticPods(c Common, params any) (Fault, field.ErrorList) {
	p := *params.(*StaticPodsParams)
	path := field.NewPath("params")
	if len(p.Components) == 0 {
		return nil, field.ErrorList{field.Required(path.Child("components"), "a list of "+strings.Join(clusters.Components, ", "))}
	}
	for i, comp := range p.Components {
		if !slices.Contains(clusters.Components, comp) {
			return nil, field.ErrorList{field.NotSupported(path.Child("components").Index(i), comp, clusters.Components)}
		}
	}
	if p.Mode == "" {
		p.Mode = "move"
	}
	if !slices.Contains(staticPodModes, p.Mode) {
		return nil, field.ErrorList{field.NotSupported(path.Child("mode"), p.Mode, staticPodModes)}
	}
	return &staticPods{c: c, p: p}, nil
}

func manifestPath(component string) string { return manifestDir + "/" + component + ".yaml" }

func movedPath(component string) string {
	return "/etc/kubernetes/harness-moved-" + component + ".yaml"
}

// restoreManifest: $1 the manifest, $2 its moved copy. Writes stdin to the
// manifest through a file outside the manifest directory (the kubelet reads
// every file in it), and removes the moved copy.
const restoreManifest = `tmp="/etc/kubernetes/$(basename "$1").harness"
cat > "$tmp" && mv -f "$tmp" "$1" && rm -f "$2"`

// runHook: $1 pid file, $2 seconds the hook may run, $3 the hook. Runs the
// hook in a session of its own (its process group ID in the pid file, for
// the revert to kill) bounded by a timeout, and waits for it.
const runHook = `exec setsid -w sh -c 'echo $$ > "$0"; exec timeout -k 5 "$1" sh -c "$2"' "$1" "$2" "$3"`

// stopHook: $1 pid file. Kills the hook's process group; idempotent.
const stopHook = `[ -f "$1" ] || exit 0
pg=$(cat "$1")
kill -TERM -- "-$pg" 2>/dev/null && sleep 1
kill -KILL -- "-$pg" 2>/dev/null
rm -f "$1"
true`

// Plan reads the manifests; the revert stops the hook and writes the
// manifests back as they were.
func (f *staticPods) Plan(ctx context.Context, env Env) (Revert, error) {
	nodes, err := f.c.Target.nodes(ctx, env)
	if err != nil {
		return Revert{}, err
	}
	f.nodes, f.originals = nodes, map[string]map[string][]byte{}
	f.hookPID = "/run/harness/" + strings.NewReplacer(":", "_", "/", "_").Replace(comment(env, f.c.Name)) + ".hook.pid"
	rev := Revert{Fault: f.c.Name, Type: staticPodsSpec.Type}
	for _, n := range nodes {
		if f.p.Hook != "" {
			rev.Steps = append(rev.Steps, Step{Node: n.Name(), Argv: script(stopHook, f.hookPID)})
		}
		f.originals[n.Name()] = map[string][]byte{}
		for _, comp := range f.p.Components {
			data, err := n.Exec(ctx, nil, "cat", "--", manifestPath(comp))
			if err != nil {
				return Revert{}, fmt.Errorf("read the static pod manifest of %s: %w", comp, err)
			}
			f.originals[n.Name()][comp] = data
			rev.Steps = append(rev.Steps, Step{Node: n.Name(), Argv: script(restoreManifest, manifestPath(comp), movedPath(comp)), Stdin: data})
		}
	}
	return rev, nil
}

// Inject moves or rewrites the manifests, then starts the hook.
func (f *staticPods) Inject(ctx context.Context, env Env) error {
	var err error
	if f.before, err = f.componentPIDs(ctx); err != nil {
		return fmt.Errorf("rebuild-static-pods: %w", err)
	}
	for _, n := range f.nodes {
		for _, comp := range f.p.Components {
			if err := f.injectOne(ctx, env, n, comp); err != nil {
				return fmt.Errorf("rebuild-static-pods %s on %s: %w", comp, n.Name(), err)
			}
		}
		if f.p.Hook != "" {
			limit := strconv.Itoa(int(f.c.Duration.Seconds()) + 10)
			go logHook(context.WithoutCancel(ctx), env, n, f.c.Name, script(runHook, f.hookPID, limit, f.p.Hook))
		}
	}
	return nil
}

func (f *staticPods) injectOne(ctx context.Context, env Env, n clusters.Node, comp string) error {
	if f.p.Mode == "move" {
		_, err := n.Exec(ctx, nil, "mv", "-f", "--", manifestPath(comp), movedPath(comp))
		return err
	}
	data, err := annotate(f.originals[n.Name()][comp], env.RunID)
	if err != nil {
		return err
	}
	_, err = n.Exec(ctx, strings.NewReader(string(data)), script(restoreManifest, manifestPath(comp), movedPath(comp))...)
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

// logHook runs the hook in the node until it ends (or the revert kills it)
// and logs how it ended.
func logHook(ctx context.Context, env Env, n clusters.Node, fault string, argv []string) {
	out, err := n.Exec(ctx, nil, argv...)
	var exit interface{ ExitCode() int }
	if errors.As(err, &exit) && (exit.ExitCode() == 124 || exit.ExitCode() == 137) {
		env.Log.Info("hook stopped when its fault ended", "fault", fault, "node", n.Name(), "output", strings.TrimSpace(string(out)))
		return
	}
	if err != nil {
		env.Log.Warn("hook failed", "fault", fault, "node", n.Name(), "err", err)
		return
	}
	env.Log.Info("hook done", "fault", fault, "node", n.Name(), "output", strings.TrimSpace(string(out)))
}
