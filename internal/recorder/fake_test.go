package recorder

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/harness-dev/harness/timeline"
)

var errDown = errors.New("connection refused")

// fakeAPI is a fake clientset whose apiserver can be made unreachable:
// while down, lists, watches and the probe fail and open watches are
// closed, but the objects can still be changed behind the recorder's back.
type fakeAPI struct {
	client *fake.Clientset

	mu       sync.Mutex
	down     bool
	watches  []watch.Interface
	watching map[string]int // resource → watches started since the last outage
	started  chan struct{}  // closed when a watch starts
	podLists int
}

func newFakeAPI(objects ...runtime.Object) *fakeAPI {
	a := &fakeAPI{client: fake.NewClientset(objects...), watching: map[string]int{}, started: make(chan struct{})}
	a.client.PrependReactor("list", "*", a.list)
	a.client.PrependWatchReactor("*", a.watch)
	return a
}

func (a *fakeAPI) list(action k8stesting.Action) (bool, runtime.Object, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.down {
		return true, nil, errDown
	}
	if action.GetResource().Resource == "pods" {
		a.podLists++
	}
	return false, nil, nil // on to the object tracker
}

func (a *fakeAPI) watch(action k8stesting.Action) (bool, watch.Interface, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.down {
		return true, nil, errDown
	}
	w, err := a.client.Tracker().Watch(action.GetResource(), action.GetNamespace())
	if err != nil {
		return true, nil, err
	}
	a.watches = append(a.watches, w)
	a.watching[action.GetResource().Resource]++
	close(a.started)
	a.started = make(chan struct{})
	return true, w, nil
}

func (a *fakeAPI) setDown(down bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.down = down
	if down {
		for _, w := range a.watches {
			w.Stop()
		}
		a.watches = nil
		a.watching = map[string]int{}
	}
}

// waitWatching waits until the recorder watches every resource: the fake
// does not replay what changed between a list and the watch after it.
func (a *fakeAPI) waitWatching(t *testing.T) {
	t.Helper()
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		a.mu.Lock()
		ok := a.watching["pods"] > 0 && a.watching["leases"] > 0 && a.watching["nodes"] > 0 && a.watching["events"] > 0
		started := a.started
		a.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-started:
		case <-deadline.C:
			t.Fatal("the informers did not start watching")
		}
	}
}

func (a *fakeAPI) probe(context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.down {
		return errDown
	}
	return nil
}

func (a *fakeAPI) lists() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.podLists
}

// fixture is a recorder running against a fakeAPI.
type fixture struct {
	*fakeAPI
	tl  *timeline.Timeline
	rec *Recorder
}

func start(t *testing.T, namespaces []string, objects ...runtime.Object) *fixture {
	t.Helper()
	f := &fixture{fakeAPI: newFakeAPI(objects...), tl: timeline.New(time.Now())}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := Start(ctx, Options{Client: f.client, Timeline: f.tl, Namespaces: namespaces,
		ProbeInterval: 10 * time.Millisecond, Probe: f.probe})
	if err != nil {
		t.Fatal(err)
	}
	f.rec = rec
	t.Cleanup(rec.Stop)
	f.waitWatching(t)
	return f
}

// eventually waits, on timeline changes rather than sleeps, until cond
// holds, and fails the test after timeout.
func (f *fixture) eventually(t *testing.T, cond func() bool, timeout time.Duration) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		changed := f.tl.Changed()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("condition not met within %s; timeline:\n%s", timeout, dump(f.tl.Events()))
		}
	}
}

// has reports whether the timeline holds an event of typ, with action if
// not empty, that matches ok.
func (f *fixture) has(typ timeline.Type, action timeline.Action, ok func(timeline.Event) bool) bool {
	return f.count(typ, action, ok) > 0
}

func (f *fixture) count(typ timeline.Type, action timeline.Action, ok func(timeline.Event) bool) int {
	n := 0
	for _, e := range f.tl.Events() {
		if e.Type == typ && (action == "" || e.Action == action) && (ok == nil || ok(e)) {
			n++
		}
	}
	return n
}

func dump(events []timeline.Event) string {
	s := ""
	for _, e := range events {
		s += string(e.Type) + " " + string(e.Action) + " " + e.Key() + " " + fingerprint(e) + " " + e.Note + "\n"
	}
	return s
}

func pod(ns, name string, ready bool, restarts int32, waiting string) *corev1.Pod {
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	cs := corev1.ContainerStatus{Name: "c", RestartCount: restarts, Ready: ready}
	if waiting != "" {
		cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: waiting}
	} else {
		cs.State.Running = &corev1.ContainerStateRunning{}
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, UID: types.UID("uid-" + name),
			Labels: map[string]string{"component": name}},
		Spec: corev1.PodSpec{NodeName: "control-plane"},
		Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions:        []corev1.PodCondition{{Type: corev1.PodReady, Status: status}},
			ContainerStatuses: []corev1.ContainerStatus{cs}},
	}
}

func lease(holder string, renew time.Time, transitions int32) *coordinationv1.Lease {
	mt, acquired := metav1.NewMicroTime(renew), metav1.NewMicroTime(renew.Add(-time.Minute))
	d := int32(15)
	return &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "kube-controller-manager", Namespace: "kube-system"},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: &holder, RenewTime: &mt, AcquireTime: &acquired,
			LeaseDurationSeconds: &d, LeaseTransitions: &transitions}}
}

func node(name string, ready bool) *corev1.Node {
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name},
		Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: status}}}}
}

func kubeEvent(name, reason string, count int32) *corev1.Event {
	return &corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "kube-system"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "kcm"},
		Reason:         reason, Message: reason + " happened", Type: corev1.EventTypeWarning, Count: count}
}
