package probes

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/timeline"
)

// applier applies and deletes the object of an ApplyProbe.
type applier struct {
	env Env
	p   assertions.ApplyProbe
	ri  dynamic.ResourceInterface
	ns  string
}

// newApplier maps the object's kind to its resource (the kind may be a
// custom resource of the scenario's setup) and deletes an object of that
// name left from an earlier run, waiting until it is gone.
func newApplier(ctx context.Context, env Env, p assertions.ApplyProbe) (*applier, error) {
	dyn, err := env.Cluster.Dynamic()
	if err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(env.Client.Discovery()))
	m, err := mapper.RESTMapping(p.GVK.GroupKind(), p.GVK.Version)
	if err != nil {
		return nil, fmt.Errorf("the apiserver does not serve %s: %w", p.GVK, err)
	}
	a := &applier{env: env, p: p}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		a.ns = p.Namespace
		if a.ns == "" {
			a.ns = "default"
		}
		a.ri = dyn.Resource(m.Resource).Namespace(a.ns)
	} else {
		a.ri = dyn.Resource(m.Resource)
	}
	if err := a.delete(ctx); err != nil {
		return nil, err
	}
	err = wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := a.ri.Get(ctx, p.Name, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s of an earlier run is still there after a minute: %w", p.GVK.Kind, p.Name, err)
	}
	return a, nil
}

// applyAt waits for the mark from, marks timeline.ProbeApplying(name),
// applies the object (server-side apply, field manager harness), retrying
// for up to timeout while the apiserver is coming back, and marks
// timeline.ProbeStarted(name) once it was accepted.
func (a *applier) applyAt(ctx context.Context, name, from string, timeout time.Duration) error {
	if _, err := a.env.Timeline.WaitMark(ctx, from); err != nil {
		return err
	}
	a.env.Timeline.Mark(timeline.ProbeApplying(name), fmt.Sprintf("applying %s %s", a.p.GVK.Kind, a.p.Name))
	force := true
	var last error
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, last = a.ri.Patch(cctx, a.p.Name, types.ApplyPatchType, a.p.Object, metav1.PatchOptions{FieldManager: "harness", Force: &force})
		return last == nil, nil
	})
	if err != nil {
		return fmt.Errorf("apply %s %s: %w (last error: %v)", a.p.GVK.Kind, a.p.Name, err, last)
	}
	a.env.Timeline.Mark(timeline.ProbeStarted(name), fmt.Sprintf("applied %s %s", a.p.GVK.Kind, a.p.Name))
	return nil
}

// delete deletes the object and what it owns (background propagation; a
// missing one is no error).
func (a *applier) delete(ctx context.Context) error {
	bg := metav1.DeletePropagationBackground
	err := a.ri.Delete(ctx, a.p.Name, metav1.DeleteOptions{PropagationPolicy: &bg})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete %s %s: %w", a.p.GVK.Kind, a.p.Name, err)
	}
	return nil
}
