package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"

	"github.com/harness-dev/harness/scenarios"
)

// applied is an object the setup created or changed, deleted again when the
// cluster outlives the run.
type applied struct {
	gvr             schema.GroupVersionResource
	namespace, name string
}

// mappingWait bounds how long a kind that is not served yet (a CRD applied
// just before, in the same setup) is waited for.
const mappingWait = time.Minute

// apply server-side applies every object of a multi-document YAML file. A
// kind the apiserver does not serve yet (the CRD was applied a moment ago,
// perhaps in the same file) is looked up again, with fresh discovery, until
// it is served.
func (r *run) apply(ctx context.Context, path string) error {
	data, err := scenarios.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read manifest: %w", err)
	}
	if data, err = scenarios.Substitute(data, r.params); err != nil {
		return fmt.Errorf("manifest %s: %w", path, err)
	}
	dyn, err := r.env.Cluster.Dynamic()
	if err != nil {
		return err
	}
	cached := memory.NewMemCacheClient(r.env.Client.Discovery())
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(cached)
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
		m, err := mapping(ctx, mapper, obj.GroupVersionKind())
		if err != nil {
			return fmt.Errorf("%s: %s %s: %w", path, obj.GetKind(), obj.GetName(), err)
		}
		if err := r.applyOne(ctx, dyn, m, &obj); err != nil {
			return fmt.Errorf("%s: apply %s %s: %w", path, obj.GetKind(), obj.GetName(), err)
		}
	}
}

// mapping resolves a kind to its resource, refreshing discovery while the
// kind is not served yet (a CRD being established).
func mapping(ctx context.Context, mapper *restmapper.DeferredDiscoveryRESTMapper, gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	var m *meta.RESTMapping
	var last error
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, mappingWait, true, func(context.Context) (bool, error) {
		m, last = mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if meta.IsNoMatchError(last) {
			mapper.Reset()
			return false, nil
		}
		return last == nil, last
	})
	if err != nil && last != nil {
		return nil, fmt.Errorf("%w (waited %s for the apiserver to serve it)", last, mappingWait)
	}
	return m, err
}

func (r *run) applyOne(ctx context.Context, dyn dynamic.Interface, m *meta.RESTMapping, obj *unstructured.Unstructured) error {
	var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
	ns := ""
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		ns = obj.GetNamespace()
		if ns == "" {
			ns = "default"
		}
		ri = dyn.Resource(m.Resource).Namespace(ns)
	}
	body, err := obj.MarshalJSON()
	if err != nil {
		return err
	}
	force := true
	if _, err := ri.Patch(ctx, obj.GetName(), types.ApplyPatchType, body,
		metav1.PatchOptions{FieldManager: "harness", Force: &force}); err != nil {
		return err
	}
	ref := applied{gvr: m.Resource, namespace: ns, name: obj.GetName()}
	if !slices.Contains(r.applied, ref) {
		r.applied = append(r.applied, ref)
	}
	return nil
}

// teardownTimeout bounds the deletion of what the setup applied.
const teardownTimeout = 3 * time.Minute

// teardownSetup deletes what the setup applied, newest first, and waits
// until it is gone (a namespace goes only once the namespace controller of
// kube-controller-manager has emptied it).
func (r *run) teardownSetup(ctx context.Context) error {
	if len(r.applied) == 0 || r.env.Cluster == nil {
		return nil
	}
	dyn, err := r.env.Cluster.Dynamic()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, teardownTimeout)
	defer cancel()
	bg := metav1.DeletePropagationBackground
	for i := len(r.applied) - 1; i >= 0; i-- {
		a := r.applied[i]
		err := dyn.Resource(a.gvr).Namespace(a.namespace).Delete(ctx, a.name, metav1.DeleteOptions{PropagationPolicy: &bg})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete %s %s/%s: %w", a.gvr.Resource, a.namespace, a.name, err)
		}
	}
	var left []string
	err = wait.PollUntilContextCancel(ctx, time.Second, true, func(ctx context.Context) (bool, error) {
		left = nil
		for _, a := range r.applied {
			if _, err := dyn.Resource(a.gvr).Namespace(a.namespace).Get(ctx, a.name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				left = append(left, fmt.Sprintf("%s %s/%s", a.gvr.Resource, a.namespace, a.name))
			}
		}
		return len(left) == 0, nil
	})
	if err != nil {
		return fmt.Errorf("what the setup applied is not gone within %s: %v", teardownTimeout, left)
	}
	r.pr.step("deleted the %d objects the setup applied", len(r.applied))
	return nil
}
