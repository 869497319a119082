package recorder

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/harness-dev/harness/internal/timeline"
)

// eventually waits, on timeline changes, until cond holds.
func eventually(t *testing.T, tl *timeline.Recorder, what string, cond func([]timeline.Event) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		changed := tl.Changed()
		if cond(tl.Events()) {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; timeline: %+v", what, tl.Events())
		}
	}
}

func find(events []timeline.Event, typ timeline.Type, action string, ok func(timeline.Event) bool) bool {
	for _, e := range events {
		if e.Type == typ && (action == "" || e.Action == action) && ok(e) {
			return true
		}
	}
	return false
}

func pod(name string, ready bool, restarts int32, waiting string) *corev1.Pod {
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
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "kube-system", Labels: map[string]string{"component": name}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: status}},
			ContainerStatuses: []corev1.ContainerStatus{cs}},
	}
}

func lease(holder string, renew time.Time) *coordinationv1.Lease {
	mt := metav1.NewMicroTime(renew)
	return &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "kube-controller-manager", Namespace: "kube-system"},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: &holder, RenewTime: &mt}}
}

type fixture struct {
	client *fake.Clientset
	tl     *timeline.Recorder
	rec    *Recorder
	down   atomic.Bool
}

func start(t *testing.T, objects ...any) *fixture {
	f := &fixture{tl: timeline.New(time.Now())}
	f.client = fake.NewClientset()
	ctx := context.Background()
	for _, o := range objects {
		switch o := o.(type) {
		case *corev1.Pod:
			_, _ = f.client.CoreV1().Pods(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		case *coordinationv1.Lease:
			_, _ = f.client.CoordinationV1().Leases(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		}
	}
	rec, err := Start(ctx, Options{Client: f.client, Timeline: f.tl, ProbeInterval: 20 * time.Millisecond,
		Probe: func(context.Context) error {
			if f.down.Load() {
				return errors.New("connection refused")
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	f.rec = rec
	t.Cleanup(rec.Stop)
	return f
}

func TestRecordsPodChanges(t *testing.T) {
	t.Parallel()
	f := start(t, pod("kcm", true, 0, ""))
	ctx := context.Background()
	eventually(t, f.tl, "the initial pod", func(ev []timeline.Event) bool {
		return find(ev, timeline.PodObserved, "added", func(e timeline.Event) bool { return e.Pod.Ready })
	})
	_, _ = f.client.CoreV1().Pods("kube-system").Update(ctx, pod("kcm", false, 3, "CrashLoopBackOff"), metav1.UpdateOptions{})
	eventually(t, f.tl, "the crash loop", func(ev []timeline.Event) bool {
		return find(ev, timeline.PodObserved, "updated", func(e timeline.Event) bool {
			c := e.Pod.Containers[0]
			return !e.Pod.Ready && c.RestartCount == 3 && c.Waiting == "CrashLoopBackOff" && !c.Running
		})
	})
	n := len(f.tl.Events())
	same := pod("kcm", false, 3, "CrashLoopBackOff")
	same.Annotations = map[string]string{"unrelated": "change"}
	_, _ = f.client.CoreV1().Pods("kube-system").Update(ctx, same, metav1.UpdateOptions{})
	_ = f.client.CoreV1().Pods("kube-system").Delete(ctx, "kcm", metav1.DeleteOptions{})
	eventually(t, f.tl, "the deletion", func(ev []timeline.Event) bool {
		return find(ev, timeline.PodObserved, "deleted", func(timeline.Event) bool { return true })
	})
	if got := len(f.tl.Events()); got != n+1 {
		t.Fatalf("an update that changed nothing watched was recorded: %d events after, want %d", got, n+1)
	}
}

func TestRecordsLeaseRenewals(t *testing.T) {
	t.Parallel()
	t0 := time.Now().Add(-time.Second)
	f := start(t, lease("a", t0))
	_, _ = f.client.CoordinationV1().Leases("kube-system").Update(context.Background(), lease("a", t0.Add(2*time.Second)), metav1.UpdateOptions{})
	eventually(t, f.tl, "two renewals", func(ev []timeline.Event) bool {
		n := 0
		for _, e := range ev {
			if e.Type == timeline.LeaseObserved && e.Lease.Holder == "a" {
				n++
			}
		}
		return n == 2
	})
}

// TestSurvivesOutage: an unreachable apiserver is recorded as an outage, and
// after it the informers relist: changes and deletions made meanwhile appear.
func TestSurvivesOutage(t *testing.T) {
	t.Parallel()
	f := start(t, pod("kcm", true, 0, ""), pod("gone", true, 0, ""))
	f.down.Store(true)
	eventually(t, f.tl, "the outage", func(ev []timeline.Event) bool {
		return find(ev, timeline.OutageStarted, "", func(e timeline.Event) bool { return e.Note == "connection refused" })
	})
	ctx := context.Background()
	_, _ = f.client.CoreV1().Pods("kube-system").Update(ctx, pod("kcm", false, 1, ""), metav1.UpdateOptions{})
	_ = f.client.CoreV1().Pods("kube-system").Delete(ctx, "gone", metav1.DeleteOptions{})
	f.down.Store(false)
	eventually(t, f.tl, "recovery, the change and the deletion", func(ev []timeline.Event) bool {
		return find(ev, timeline.OutageEnded, "", func(timeline.Event) bool { return true }) &&
			find(ev, timeline.PodObserved, "", func(e timeline.Event) bool { return e.Pod.Name == "kcm" && !e.Pod.Ready }) &&
			find(ev, timeline.PodObserved, "deleted", func(e timeline.Event) bool { return e.Pod.Name == "gone" })
	})
	done := make(chan struct{})
	go func() { f.rec.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not return")
	}
}
