package recorder

import (
	"context"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/timeline"
)

var (
	widgetGVK = schema.GroupVersionKind{Group: "harness.dev", Version: "v1", Kind: "Widget"}
	widgetGVR = schema.GroupVersionResource{Group: "harness.dev", Version: "v1", Resource: "widgets"}
)

func widget(name string, size int64) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"size": size}}}
	u.SetGroupVersionKind(widgetGVK)
	u.SetNamespace("default")
	u.SetName(name)
	u.SetUID("uid-" + "name")
	u.SetManagedFields([]metav1.ManagedFieldsEntry{{Manager: "kubectl"}})
	return u
}

// withDynamic gives the fake apiserver a dynamic client for widgets that
// goes down with it.
func (a *fakeAPI) withDynamic(objects ...runtime.Object) *dynamicfake.FakeDynamicClient {
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{widgetGVR: "WidgetList"}, objects...)
	dyn.PrependReactor("list", "*", func(k8stesting.Action) (bool, runtime.Object, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.down {
			return true, nil, errDown
		}
		return false, nil, nil
	})
	dyn.PrependWatchReactor("*", func(action k8stesting.Action) (bool, watch.Interface, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.down {
			return true, nil, errDown
		}
		w, err := dyn.Tracker().Watch(action.GetResource(), action.GetNamespace())
		if err != nil {
			return true, nil, err
		}
		a.watches = append(a.watches, w)
		a.watching[action.GetResource().Resource]++
		close(a.started)
		a.started = make(chan struct{})
		return true, w, nil
	})
	return dyn
}

// TestRecordsObjectsOfWatchedKinds: the kinds assertions name are watched
// with dynamic informers and recorded whole (without managedFields); what
// changed or vanished during an outage is recorded at the relist, and a
// relist of an unchanged object records nothing.
func TestRecordsObjectsOfWatchedKinds(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(pod("kube-system", "kcm", true, 0, ""))
	dyn := api.withDynamic(widget("a", 1), widget("gone", 1), widget("steady", 1))
	mapper := meta.NewDefaultRESTMapper(nil)
	mapper.Add(widgetGVK, meta.RESTScopeNamespace)
	f := &fixture{fakeAPI: api, tl: timeline.New(time.Now())}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := Start(ctx, Options{Client: api.client, Timeline: f.tl, ProbeInterval: 10 * time.Millisecond, Probe: api.probe,
		Dynamic: dyn, Mapper: mapper, Objects: []assertions.Watch{{GVK: widgetGVK, Namespace: "default"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.rec = rec
	t.Cleanup(rec.Stop)
	f.waitWatching(t)
	isWidget := func(name string, size int64) func(timeline.Event) bool {
		return func(e timeline.Event) bool {
			m, err := e.Object.Map()
			return err == nil && e.Object.Name == name && e.Object.Kind == "Widget" && e.Object.APIVersion == "harness.dev/v1" &&
				m["spec"].(map[string]any)["size"] == size && m["metadata"].(map[string]any)["managedFields"] == nil
		}
	}
	if !f.has(timeline.ObjectObserved, timeline.Added, isWidget("a", 1)) {
		t.Fatalf("initial widget missing after Start:\n%s", dump(f.tl.Events()))
	}
	widgets := dyn.Resource(widgetGVR).Namespace("default")
	_, _ = widgets.Update(context.Background(), widget("a", 2), metav1.UpdateOptions{})
	f.eventually(t, func() bool { return f.has(timeline.ObjectObserved, timeline.Updated, isWidget("a", 2)) }, wait)

	api.setDown(true)
	f.eventually(t, func() bool { return f.has(timeline.OutageStarted, "", nil) }, wait)
	_, _ = widgets.Update(context.Background(), widget("a", 3), metav1.UpdateOptions{})
	_ = widgets.Delete(context.Background(), "gone", metav1.DeleteOptions{})
	api.setDown(false)
	f.eventually(t, func() bool { return f.count(timeline.Relisted, "", nil) == 1 }, wait)
	if !f.has(timeline.ObjectObserved, timeline.Updated, isWidget("a", 3)) ||
		!f.has(timeline.ObjectObserved, timeline.Deleted, func(e timeline.Event) bool { return e.Object.Name == "gone" }) {
		t.Fatalf("changes made during the outage are missing:\n%s", dump(f.tl.Events()))
	}
	if n := f.count(timeline.ObjectObserved, "", func(e timeline.Event) bool { return e.Object.Name == "steady" }); n != 1 {
		t.Fatalf("widget steady recorded %d times, want once: the relist recorded noise:\n%s", n, dump(f.tl.Events()))
	}
}

func TestWatchesOf(t *testing.T) {
	t.Parallel()
	spec, _ := assertions.Lookup("objectState")
	a, errs := spec.New(assertions.Common{Name: "x", From: "a", Within: time.Second}, &assertions.ObjectStateParams{
		ObjectRef: assertions.ObjectRef{APIVersion: "harness.dev/v1", Kind: "Widget", Namespace: "default", Name: "a"}, Expression: "true"})
	if errs != nil {
		t.Fatal(errs)
	}
	got := WatchesOf([]assertions.Assertion{a, a})
	if len(got) != 1 || got[0].GVK != widgetGVK || got[0].Namespace != "default" {
		t.Fatalf("watches %+v", got)
	}
	if d := Describe(got); d != ", Widget (harness.dev/v1) objects in default" {
		t.Fatalf("describe %q", d)
	}
}
