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
	"github.com/harness-dev/harness/timeline"
)

// image is the sandbox image every node has (preloaded and pinned).
const image = "registry.k8s.io/pause:3.10.1"

// Create creates the probe Deployment with zero replicas (an existing one
// is kept), pinned to the nodes named hosts when there are any.
func Create(ctx context.Context, client kubernetes.Interface, p assertions.DeploymentProbe, hosts ...string) error {
	d := Deployment(p, hosts...)
	_, err := client.AppsV1().Deployments(d.Namespace).Create(ctx, d, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create probe deployment %s/%s: %w", d.Namespace, d.Name, err)
	}
	return nil
}

// Delete deletes the probe Deployment and its Pods (a missing one is no
// error).
func Delete(ctx context.Context, client kubernetes.Interface, p assertions.DeploymentProbe) error {
	fg := metav1.DeletePropagationForeground
	err := client.AppsV1().Deployments(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{PropagationPolicy: &fg})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete probe deployment %s/%s: %w", p.Namespace, p.Name, err)
	}
	return nil
}

// ScaleAt waits until the mark from is on the timeline, then scales the
// probe Deployment up, retrying for up to timeout while the apiserver is
// coming back, and marks the timeline with timeline.ProbeStarted(name) once
// the request was accepted.
func ScaleAt(ctx context.Context, client kubernetes.Interface, tl *timeline.Timeline, name, from string,
	p assertions.DeploymentProbe, timeout time.Duration) error {
	if _, err := tl.WaitMark(ctx, from); err != nil {
		return err
	}
	patch := []byte(fmt.Sprintf(`{"spec":{"replicas":%d}}`, p.Replicas))
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err := client.AppsV1().Deployments(p.Namespace).Patch(cctx, p.Name,
			"application/merge-patch+json", patch, metav1.PatchOptions{})
		return err == nil, nil
	})
	if err != nil {
		return fmt.Errorf("scale probe deployment %s/%s to %d: %w", p.Namespace, p.Name, p.Replicas, err)
	}
	tl.Mark(timeline.ProbeStarted(name), fmt.Sprintf("scaled %s/%s to %d", p.Namespace, p.Name, p.Replicas))
	return nil
}

// Deployment is the probe Deployment: pause containers that tolerate every
// NoSchedule taint, zero replicas until the probe starts, pinned to the
// nodes named hosts (kubernetes.io/hostname) when there are any.
func Deployment(p assertions.DeploymentProbe, hosts ...string) *appsv1.Deployment {
	zero := int32(0)
	grace := int64(0)
	labels := map[string]string{"app.kubernetes.io/name": p.Name, "app.kubernetes.io/managed-by": "harness"}
	for k, v := range p.Labels {
		labels[k] = v
	}
	var affinity *corev1.Affinity
	if len(hosts) > 0 {
		affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchExpressions: []corev1.NodeSelectorRequirement{{Key: corev1.LabelHostname, Operator: corev1.NodeSelectorOpIn, Values: hosts}},
			}}},
		}}
	}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: &zero,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": p.Name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					TerminationGracePeriodSeconds: &grace,
					Affinity:                      affinity,
					Tolerations:                   []corev1.Toleration{{Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
					Containers: []corev1.Container{{
						Name: "pause", Image: image, ImagePullPolicy: corev1.PullIfNotPresent,
					}},
				},
			},
		},
	}
}
