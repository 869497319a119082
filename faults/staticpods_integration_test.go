package faults_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-dev/harness/faults"
)

// configHash returns the kubelet's hash of a static pod's manifest, from its
// mirror pod, or "gone" when there is no mirror pod.
func configHash(env faults.Env, component string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	name := component + "-" + env.Cluster.ControlPlane().Name()
	pod, err := env.Client.CoreV1().Pods("kube-system").Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "gone", nil
	}
	if err != nil {
		return "", err
	}
	return pod.Annotations["kubernetes.io/config.hash"], nil
}

func TestIntegrationRebuildStaticPods(t *testing.T) {
	env := sharedEnv(t)
	tests := []struct {
		mode, component string
	}{
		{"move", "kube-scheduler"},
		{"rewrite", "kube-controller-manager"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			g := NewWithT(t)
			sum := fmt.Sprintf("sha256sum /etc/kubernetes/manifests/%s.yaml", tt.component)
			before, beforeHash := inNode(t, env, sum), ""
			g.Eventually(func() (string, error) { h, err := configHash(env, tt.component); beforeHash = h; return h, err }).
				ShouldNot(Or(BeEmpty(), Equal("gone")))
			f := newFault(t, "rebuild-static-pods", faults.Common{},
				&faults.StaticPodsParams{Components: []string{tt.component}, Mode: tt.mode, Hook: "echo hook ran"})
			revert := inject(t, env, f)
			want := Equal("gone") // moved: the kubelet deletes the pod
			if tt.mode == "rewrite" {
				want = And(Not(Equal(beforeHash)), Not(Equal("gone")), Not(BeEmpty())) // a new pod from the new manifest
			}
			g.Eventually(func() (string, error) { return configHash(env, tt.component) }).
				WithTimeout(3*time.Minute).WithPolling(time.Second).Should(want, "the kubelet did not rebuild %s", tt.component)
			tookEffect(t, env, f, "gone")
			revert()
			if after := inNode(t, env, sum); after != before {
				t.Fatalf("manifest not restored byte for byte:\nbefore %safter  %s", before, after)
			}
			if left := inNode(t, env, "ls /etc/kubernetes/ | grep harness; true"); left != "" {
				t.Fatalf("left behind in /etc/kubernetes: %s", left)
			}
			g.Eventually(func() (string, error) { return configHash(env, tt.component) }).
				WithTimeout(3 * time.Minute).WithPolling(time.Second).Should(Equal(beforeHash))
			revert()
			waitHealthy(t, env)
		})
	}
}
