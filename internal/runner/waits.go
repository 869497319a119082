package runner

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/restmapper"

	"github.com/harness-dev/harness/scenarios"
)

// waitFor waits until the object of a setup.waitFor entry is ready
// (readiness says what that is for its kind), polling through errors, and
// says what it last saw when it is not within the entry's timeout.
func (r *run) waitFor(ctx context.Context, w scenarios.WaitFor) error {
	timeout := w.Timeout
	if timeout == 0 {
		timeout = 3 * time.Minute
	}
	var last string
	err := wait.PollUntilContextTimeout(ctx, time.Second, timeout, true, func(ctx context.Context) (bool, error) {
		ok, state, err := r.readiness(ctx, w)
		last = state
		if err != nil {
			last = err.Error()
		}
		return ok, nil
	})
	if err != nil {
		return fmt.Errorf("%s %s/%s not ready within %s (last seen: %s)", w.Kind, w.Namespace, w.Name, timeout, last)
	}
	return nil
}

// readiness tells whether a waited-for object is ready:
//   - Deployment: every replica updated and available; DaemonSet: every
//     scheduled Pod Ready; Pod: Ready; Job: condition Complete (Failed is
//     reported);
//   - CustomResourceDefinition: condition Established (its kind is served,
//     so objects of it can be applied next);
//   - Service: ready endpoints (EndpointSlices), and for a NodePort Service
//     its every NodePort accepting a connection on the first control-plane
//     node (the first probes after setup are not lost);
//   - any other kind (with apiVersion): its status condition of type
//     Condition (default Ready) is True.
func (r *run) readiness(ctx context.Context, w scenarios.WaitFor) (bool, string, error) {
	c := r.env.Client
	switch w.Kind {
	case "Deployment":
		d, err := c.AppsV1().Deployments(w.Namespace).Get(ctx, w.Name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		return deploymentAvailable(d), fmt.Sprintf("%d of %d available", d.Status.AvailableReplicas, replicas(d)), nil
	case "DaemonSet":
		d, err := c.AppsV1().DaemonSets(w.Namespace).Get(ctx, w.Name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		ok := d.Status.DesiredNumberScheduled > 0 && d.Status.NumberReady == d.Status.DesiredNumberScheduled
		return ok, fmt.Sprintf("%d of %d ready", d.Status.NumberReady, d.Status.DesiredNumberScheduled), nil
	case "Pod":
		p, err := c.CoreV1().Pods(w.Namespace).Get(ctx, w.Name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		ok := slices.ContainsFunc(p.Status.Conditions, func(c corev1.PodCondition) bool {
			return c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue
		})
		return ok, "phase " + string(p.Status.Phase), nil
	case "Job":
		j, err := c.BatchV1().Jobs(w.Namespace).Get(ctx, w.Name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		return jobComplete(j)
	case "Service":
		return r.serviceReady(ctx, w)
	case "CustomResourceDefinition":
		w.APIVersion, w.Condition = "apiextensions.k8s.io/v1", "Established"
	}
	return r.conditionTrue(ctx, w)
}

func jobComplete(j *batchv1.Job) (bool, string, error) {
	for _, c := range j.Status.Conditions {
		switch {
		case c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue:
			return true, "Complete", nil
		case c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue:
			return false, "Failed: " + c.Message, nil
		}
	}
	return false, fmt.Sprintf("%d succeeded, %d active", j.Status.Succeeded, j.Status.Active), nil
}

// serviceReady: ready endpoints, and every NodePort accepting connections.
func (r *run) serviceReady(ctx context.Context, w scenarios.WaitFor) (bool, string, error) {
	svc, err := r.env.Client.CoreV1().Services(w.Namespace).Get(ctx, w.Name, metav1.GetOptions{})
	if err != nil {
		return false, "", err
	}
	slices, err := r.env.Client.DiscoveryV1().EndpointSlices(w.Namespace).List(ctx,
		metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + w.Name})
	if err != nil {
		return false, "", err
	}
	ready := 0
	for _, s := range slices.Items {
		for _, e := range s.Endpoints {
			if e.Conditions.Ready == nil || *e.Conditions.Ready {
				ready++
			}
		}
	}
	if ready == 0 {
		return false, "no ready endpoint", nil
	}
	facts, err := r.clusterFacts(ctx)
	if err != nil {
		return false, "", err
	}
	for _, p := range svc.Spec.Ports {
		if p.NodePort == 0 {
			continue
		}
		addr := net.JoinHostPort(facts[scenarios.ParamControlPlaneIP], strconv.Itoa(int(p.NodePort)))
		conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			return false, fmt.Sprintf("%d ready endpoints; NodePort %s does not answer: %v", ready, addr, err), nil
		}
		_ = conn.Close()
	}
	return true, fmt.Sprintf("%d ready endpoints", ready), nil
}

// conditionTrue: the object's status condition w.Condition (default Ready)
// is True; the kind is mapped to its resource with fresh discovery (it may
// be a CRD the setup just applied).
func (r *run) conditionTrue(ctx context.Context, w scenarios.WaitFor) (bool, string, error) {
	gv, err := schema.ParseGroupVersion(w.APIVersion)
	if err != nil {
		return false, "", err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(r.env.Client.Discovery()))
	m, err := mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: w.Kind}, gv.Version)
	if err != nil {
		return false, "", err
	}
	dyn, err := r.env.Cluster.Dynamic()
	if err != nil {
		return false, "", err
	}
	obj, err := dyn.Resource(m.Resource).Namespace(namespaceOf(string(m.Scope.Name()), w.Namespace)).Get(ctx, w.Name, metav1.GetOptions{})
	if err != nil {
		return false, "", err
	}
	want := w.Condition
	if want == "" {
		want = "Ready"
	}
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == want {
			return m["status"] == "True", fmt.Sprintf("condition %s %v", want, m["status"]), nil
		}
	}
	return false, "no condition " + want + " yet", nil
}

func namespaceOf(scope, ns string) string {
	if scope == "namespace" {
		return ns
	}
	return ""
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
