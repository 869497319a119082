// Package probes performs the actions that probing assertions ask for: a
// probe Deployment scaled up at an assertion's moment (podsCreatable) and a
// data-plane HTTP probe (httpAvailable). Both record what they did on the
// timeline; the assertions judge it. The runner and the Go API share them.
package probes

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/timeline"
)

// image is the sandbox image every node has (preloaded and pinned).
const image = "registry.k8s.io/pause:3.10.1"

// Create creates the probe Deployment with zero replicas (an existing one
// is kept).
func Create(ctx context.Context, client kubernetes.Interface, p assertions.Probe) error {
	d := Deployment(p)
	_, err := client.AppsV1().Deployments(d.Namespace).Create(ctx, d, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create probe deployment %s/%s: %w", d.Namespace, d.Name, err)
	}
	return nil
}

// Delete deletes the probe Deployment and its Pods (a missing one is no
// error).
func Delete(ctx context.Context, client kubernetes.Interface, p assertions.Probe) error {
	fg := metav1.DeletePropagationForeground
	err := client.AppsV1().Deployments(p.Namespace).Delete(ctx, p.Deployment, metav1.DeleteOptions{PropagationPolicy: &fg})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete probe deployment %s/%s: %w", p.Namespace, p.Deployment, err)
	}
	return nil
}

// ScaleAt waits until the mark from is on the timeline, then scales the
// probe Deployment up, retrying for up to timeout while the apiserver is
// coming back, and marks the timeline with assertions.ProbeMark(name) once
// the request was accepted.
func ScaleAt(ctx context.Context, client kubernetes.Interface, tl *timeline.Recorder, name, from string,
	p assertions.Probe, timeout time.Duration) error {
	if _, err := tl.WaitMark(ctx, from); err != nil {
		return err
	}
	patch := []byte(fmt.Sprintf(`{"spec":{"replicas":%d}}`, p.Replicas))
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err := client.AppsV1().Deployments(p.Namespace).Patch(cctx, p.Deployment,
			"application/merge-patch+json", patch, metav1.PatchOptions{})
		return err == nil, nil
	})
	if err != nil {
		return fmt.Errorf("scale probe deployment %s/%s to %d: %w", p.Namespace, p.Deployment, p.Replicas, err)
	}
	tl.Mark(assertions.ProbeMark(name), fmt.Sprintf("scaled %s/%s to %d", p.Namespace, p.Deployment, p.Replicas))
	return nil
}

// Deployment is the probe Deployment: pause containers that tolerate every
// NoSchedule taint, zero replicas until the probe starts.
func Deployment(p assertions.Probe) *appsv1.Deployment {
	zero := int32(0)
	grace := int64(0)
	labels := map[string]string{"app.kubernetes.io/name": p.Deployment, "app.kubernetes.io/managed-by": "harness"}
	for k, v := range p.Labels {
		labels[k] = v
	}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: p.Deployment, Namespace: p.Namespace, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: &zero,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": p.Deployment}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					TerminationGracePeriodSeconds: &grace,
					Tolerations:                   []corev1.Toleration{{Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
					Containers: []corev1.Container{{
						Name: "pause", Image: image, ImagePullPolicy: corev1.PullIfNotPresent,
					}},
				},
			},
		},
	}
}
