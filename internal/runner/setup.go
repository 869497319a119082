package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/harness-dev/harness/scenarios"
)

// setup loads images, applies manifests and waits for what the scenario
// names.
func (r *run) setup(ctx context.Context) error {
	s := r.sc.Setup
	if len(s.Images) > 0 {
		r.pr.step("loading %d images into the nodes", len(s.Images))
		if err := r.o.Provider.LoadImages(ctx, r.env.Cluster.Name, s.Images); err != nil {
			return err
		}
	}
	for _, m := range s.Manifests {
		r.pr.step("applying %s", m)
		if err := r.apply(ctx, m); err != nil {
			return err
		}
	}
	for _, w := range s.WaitFor {
		r.pr.step("waiting for %s %s/%s", w.Kind, w.Namespace, w.Name)
		if err := waitFor(ctx, r, w.Kind, w.Namespace, w.Name, w.Timeout); err != nil {
			return err
		}
	}
	return nil
}

// apply server-side applies every object of a multi-document YAML file.
func (r *run) apply(ctx context.Context, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read manifest: %w", err)
	}
	data = scenarios.Expand(data, r.o.Params)
	cfg, err := clientcmd.RESTConfigFromKubeConfig(r.env.Cluster.Kubeconfig)
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(r.client().Discovery()))
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var obj unstructured.Unstructured
		if err := dec.Decode(&obj.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("%s: %w", path, err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		gvk := obj.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return fmt.Errorf("%s: %s %s: %w", path, gvk.Kind, obj.GetName(), err)
		}
		res := dyn.Resource(m.Resource)
		var ri dynamic.ResourceInterface = res
		if m.Scope.Name() == "namespace" {
			ns := obj.GetNamespace()
			if ns == "" {
				ns = "default"
			}
			ri = res.Namespace(ns)
		}
		body, err := obj.MarshalJSON()
		if err != nil {
			return err
		}
		force := true
		if _, err := ri.Patch(ctx, obj.GetName(), types.ApplyPatchType, body,
			metav1.PatchOptions{FieldManager: "harness", Force: &force}); err != nil {
			return fmt.Errorf("%s: apply %s %s: %w", path, gvk.Kind, obj.GetName(), err)
		}
	}
}

// waitFor waits until a Deployment or DaemonSet is fully available, or a
// Pod is Ready.
func waitFor(ctx context.Context, r *run, kind, ns, name string, timeout time.Duration) error {
	if timeout == 0 {
		timeout = 3 * time.Minute
	}
	var last string
	err := wait.PollUntilContextTimeout(ctx, time.Second, timeout, true, func(ctx context.Context) (bool, error) {
		ok, state, err := ready(ctx, r, kind, ns, name)
		last = state
		if err != nil {
			last = err.Error()
		}
		return ok, nil
	})
	if err != nil {
		return fmt.Errorf("%s %s/%s not ready within %s (last seen: %s)", kind, ns, name, timeout, last)
	}
	return nil
}

func ready(ctx context.Context, r *run, kind, ns, name string) (bool, string, error) {
	c := r.client()
	switch kind {
	case "Deployment":
		d, err := c.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		return deploymentAvailable(d), fmt.Sprintf("%d of %d available", d.Status.AvailableReplicas, replicas(d)), nil
	case "DaemonSet":
		d, err := c.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		ok := d.Status.DesiredNumberScheduled > 0 && d.Status.NumberReady == d.Status.DesiredNumberScheduled
		return ok, fmt.Sprintf("%d of %d ready", d.Status.NumberReady, d.Status.DesiredNumberScheduled), nil
	case "Pod":
		p, err := c.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
				return true, "Ready", nil
			}
		}
		return false, "phase " + string(p.Status.Phase), nil
	}
	return false, "", fmt.Errorf("cannot wait for kind %s", kind)
}

func replicas(d *appsv1.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

func deploymentAvailable(d *appsv1.Deployment) bool {
	return d.Status.ObservedGeneration >= d.Generation && d.Status.AvailableReplicas == replicas(d) &&
		d.Status.UpdatedReplicas == replicas(d)
}
