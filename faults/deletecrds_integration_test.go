package faults_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/harness-dev/harness/faults"
)

const widgetCRD = `{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
 "metadata": {"name": "widgets.harness.test", "labels": {"harness.test/fault": "delete-crds"}},
 "spec": {"group": "harness.test", "scope": "Namespaced",
  "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
  "versions": [{"name": "v1", "served": true, "storage": true,
   "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]}}`

var (
	crds    = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	widgets = schema.GroupVersionResource{Group: "harness.test", Version: "v1", Resource: "widgets"}
)

// TestIntegrationDeleteCRDs: the CRD and its object are gone during the
// fault, and the revert brings back the same CRD, Established, and the object.
func TestIntegrationDeleteCRDs(t *testing.T) {
	env := sharedEnv(t)
	g := NewWithT(t)
	cfg, err := clientcmd.RESTConfigFromKubeConfig(env.Cluster.Kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	dc := dynamic.NewForConfigOrDie(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var crd unstructured.Unstructured
	g.Expect(crd.UnmarshalJSON([]byte(widgetCRD))).To(Succeed())
	_, err = dc.Resource(crds).Create(ctx, &crd, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() {
		_ = dc.Resource(crds).Delete(context.Background(), "widgets.harness.test", metav1.DeleteOptions{})
	})
	w := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "harness.test/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w1", "namespace": "default"}, "spec": map[string]any{"size": int64(3)}}}
	g.Eventually(func() error {
		_, err := dc.Resource(widgets).Namespace("default").Create(ctx, w, metav1.CreateOptions{})
		return err
	}).
		WithTimeout(time.Minute).Should(Succeed())
	before, err := dc.Resource(crds).Get(ctx, "widgets.harness.test", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	f := newFault(t, "delete-crds", faults.Common{}, &faults.DeleteCRDsParams{Selector: "harness.test/fault=delete-crds", RestoreObjects: true})
	revert := inject(t, env, f)
	g.Eventually(func() bool {
		_, err := dc.Resource(crds).Get(ctx, "widgets.harness.test", metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	}).WithTimeout(2*time.Minute).Should(BeTrue(), "the CRD was not deleted")
	tookEffect(t, env, f, "absent at the end of the window")
	revert()
	after, err := dc.Resource(crds).Get(ctx, "widgets.harness.test", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(after.Object["spec"]).To(Equal(before.Object["spec"]), "the CRD came back different")
	g.Expect(after.GetUID()).NotTo(Equal(before.GetUID()), "the CRD was never deleted")
	got, err := dc.Resource(widgets).Namespace("default").Get(ctx, "w1", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred(), "the widget was not restored")
	g.Expect(got.Object["spec"]).To(Equal(w.Object["spec"]))
	revert() // idempotent
	waitHealthy(t, env)
}
