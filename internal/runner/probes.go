package runner

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/timeline"
)

// probeImage is the sandbox image every node has (preloaded and pinned).
const probeImage = "registry.k8s.io/pause:3.10.1"

type probeEntry struct {
	name, from string
	probe      assertions.Probe
}

func (r *run) probes() []probeEntry {
	var out []probeEntry
	for _, e := range r.sc.Assertions {
		if p, ok := e.Assertion.(assertions.Prober); ok {
			out = append(out, probeEntry{name: e.Name, from: e.From, probe: p.Probe()})
		}
	}
	return out
}

// createProbes creates each probe Deployment with zero replicas.
func (r *run) createProbes(ctx context.Context) error {
	for _, p := range r.probes() {
		d := probeDeployment(p.probe)
		_, err := r.client().AppsV1().Deployments(d.Namespace).Create(ctx, d, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create probe deployment %s/%s: %w", d.Namespace, d.Name, err)
		}
	}
	return nil
}

// runProbes scales each probe Deployment up when its moment is reached and
// marks the timeline when the request was accepted.
func (r *run) runProbes(ctx context.Context) {
	for _, p := range r.probes() {
		go r.runProbe(ctx, p)
	}
}

func (r *run) runProbe(ctx context.Context, p probeEntry) {
	for {
		if _, ok := timeline.FindMark(r.tl.Events(), p.from); ok {
			break
		}
		select {
		case <-r.tl.Changed():
		case <-ctx.Done():
			return
		}
	}
	// The apiserver may still be coming back: retry until it accepts.
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, r.o.Timeout, true, func(ctx context.Context) (bool, error) {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		patch := []byte(fmt.Sprintf(`{"spec":{"replicas":%d}}`, p.probe.Replicas))
		_, err := r.client().AppsV1().Deployments(p.probe.Namespace).Patch(cctx, p.probe.Deployment,
			"application/merge-patch+json", patch, metav1.PatchOptions{})
		return err == nil, nil
	})
	if err != nil {
		r.o.Log.Warn("probe not started", "assertion", p.name, "err", err)
		return
	}
	r.tl.Mark(assertions.ProbeMark(p.name), fmt.Sprintf("scaled %s/%s to %d", p.probe.Namespace, p.probe.Deployment, p.probe.Replicas))
	r.pr.step("probe %s: scaled %s/%s to %d", p.name, p.probe.Namespace, p.probe.Deployment, p.probe.Replicas)
}

func probeDeployment(p assertions.Probe) *appsv1.Deployment {
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
						Name: "pause", Image: probeImage, ImagePullPolicy: corev1.PullIfNotPresent,
					}},
				},
			},
		},
	}
}
