package recorder

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/harness-dev/harness/timeline"
)

const wait = 10 * time.Second

func anyEvent(timeline.Event) bool { return true }

func named(name string) func(timeline.Event) bool {
	return func(e timeline.Event) bool { return e.Key() == "kube-system/"+name || e.Key() == name }
}

func TestRecordsPodChanges(t *testing.T) {
	t.Parallel()
	f := start(t, nil, pod("kube-system", "kcm", true, 0, ""))
	ctx := context.Background()
	// Start returns once the initial state is on the timeline.
	if !f.has(timeline.PodObserved, timeline.Added, func(e timeline.Event) bool {
		p := e.Pod
		return p.Ready && p.UID == "uid-kcm" && p.Labels["component"] == "kcm" && p.NodeName == "control-plane" &&
			p.Phase == "Running" && len(p.Containers) == 1 && p.Containers[0].Running && p.Containers[0].Ready
	}) {
		t.Fatalf("initial pod missing after Start:\n%s", dump(f.tl.Events()))
	}
	pods := f.client.CoreV1().Pods("kube-system")
	_, _ = pods.Update(ctx, pod("kube-system", "kcm", false, 3, "CrashLoopBackOff"), metav1.UpdateOptions{})
	f.eventually(t, func() bool {
		return f.has(timeline.PodObserved, timeline.Updated, func(e timeline.Event) bool {
			c := e.Pod.Containers[0]
			return !e.Pod.Ready && c.RestartCount == 3 && c.Waiting == "CrashLoopBackOff" && !c.Running && !c.Ready
		})
	}, wait)
	n := len(f.tl.Events())
	same := pod("kube-system", "kcm", false, 3, "CrashLoopBackOff")
	same.Annotations = map[string]string{"unrelated": "change"}
	_, _ = pods.Update(ctx, same, metav1.UpdateOptions{})
	_ = pods.Delete(ctx, "kcm", metav1.DeleteOptions{})
	f.eventually(t, func() bool { return f.has(timeline.PodObserved, timeline.Deleted, named("kcm")) }, wait)
	if got := len(f.tl.Events()); got != n+1 {
		t.Fatalf("an update that changed nothing recorded was recorded: %d events, want %d:\n%s", got, n+1, dump(f.tl.Events()))
	}
}

func TestRecordsEveryLeaseRenewal(t *testing.T) {
	t.Parallel()
	t0 := time.Now().Add(-time.Second).Truncate(time.Microsecond)
	f := start(t, nil, lease("a", t0, 1))
	leases := f.client.CoordinationV1().Leases("kube-system")
	ctx := context.Background()
	_, _ = leases.Update(ctx, lease("a", t0.Add(2*time.Second), 1), metav1.UpdateOptions{})
	_, _ = leases.Update(ctx, lease("b", t0.Add(4*time.Second), 2), metav1.UpdateOptions{})
	f.eventually(t, func() bool { return f.count(timeline.LeaseObserved, "", nil) == 3 }, wait)
	var got []*timeline.Lease
	for _, e := range f.tl.Events() {
		if e.Type == timeline.LeaseObserved {
			got = append(got, e.Lease)
		}
	}
	last := got[2]
	if !got[1].RenewTime.Equal(t0.Add(2*time.Second)) || last.Holder != "b" || last.Transitions != 2 ||
		last.DurationSecs != 15 || !last.AcquireTime.Equal(t0.Add(4*time.Second-time.Minute)) {
		t.Fatalf("lease snapshots wrong: %+v %+v", *got[1], *last)
	}
}

func TestRecordsNodesAndKubeEvents(t *testing.T) {
	t.Parallel()
	f := start(t, []string{"kube-system"}, node("cp", true),
		pod("default", "elsewhere", true, 0, ""), kubeEvent("e1", "Scheduled", 1))
	if f.has(timeline.PodObserved, "", anyEvent) {
		t.Fatalf("a pod outside the watched namespaces was recorded:\n%s", dump(f.tl.Events()))
	}
	ctx := context.Background()
	_, _ = f.client.CoreV1().Nodes().Update(ctx, node("cp", false), metav1.UpdateOptions{})
	events := f.client.CoreV1().Events("kube-system")
	_, _ = events.Create(ctx, kubeEvent("e2", "BackOff", 1), metav1.CreateOptions{})
	_, _ = events.Update(ctx, kubeEvent("e2", "BackOff", 2), metav1.UpdateOptions{})
	f.eventually(t, func() bool {
		return f.has(timeline.NodeObserved, timeline.Updated, func(e timeline.Event) bool { return e.Node.Name == "cp" && !e.Node.Ready }) &&
			f.count(timeline.KubeEvent, "", func(e timeline.Event) bool { return e.Kube.Reason == "BackOff" }) == 2
	}, wait)
	if !f.has(timeline.KubeEvent, timeline.Added, func(e timeline.Event) bool {
		k := e.Kube
		return k.Reason == "Scheduled" && k.Object == "Pod/kcm" && k.Type == "Warning" && k.Message == "Scheduled happened"
	}) {
		t.Fatalf("the first event of the same object is missing:\n%s", dump(f.tl.Events()))
	}
}

// TestSurvivesOutage: an unreachable apiserver is recorded as an outage;
// after it the informers are restarted and relist at once, recording what
// changed or vanished meanwhile, and only that.
func TestSurvivesOutage(t *testing.T) {
	t.Parallel()
	t0 := time.Now().Truncate(time.Microsecond)
	f := start(t, nil, pod("kube-system", "kcm", true, 0, ""), pod("kube-system", "gone", true, 0, ""),
		pod("kube-system", "steady", true, 0, ""), pod("kube-system", "replaced", true, 0, ""),
		lease("a", t0, 0), node("cp", true))
	lists := f.lists()
	f.setDown(true)
	f.eventually(t, func() bool {
		return f.has(timeline.OutageStarted, "", func(e timeline.Event) bool { return e.Note == errDown.Error() })
	}, wait)

	ctx := context.Background()
	pods := f.client.CoreV1().Pods("kube-system")
	_, _ = pods.Update(ctx, pod("kube-system", "kcm", false, 1, ""), metav1.UpdateOptions{})
	_ = pods.Delete(ctx, "gone", metav1.DeleteOptions{})
	_, _ = pods.Create(ctx, pod("kube-system", "new", true, 0, ""), metav1.CreateOptions{})
	_ = pods.Delete(ctx, "replaced", metav1.DeleteOptions{})
	again := pod("kube-system", "replaced", true, 0, "")
	again.UID = "uid-replaced-2"
	_, _ = pods.Create(ctx, again, metav1.CreateOptions{})
	if f.has(timeline.PodObserved, "", func(e timeline.Event) bool { return !e.Pod.Ready || e.Pod.Name == "new" }) {
		t.Fatalf("a change was seen while the apiserver was down:\n%s", dump(f.tl.Events()))
	}

	f.setDown(false)
	f.eventually(t, func() bool { return f.has(timeline.PodObserved, timeline.Deleted, named("gone")) }, wait)
	f.rec.mu.Lock()
	gen := f.rec.gen
	f.rec.mu.Unlock()
	if gen != 2 || f.lists() <= lists {
		t.Fatalf("the informers were not restarted: generation %d, %d pod lists before, %d after", gen, lists, f.lists())
	}
	// The vanished are recorded after the relist synced: all of it is on
	// the timeline now.
	if !f.has(timeline.PodObserved, timeline.Updated, func(e timeline.Event) bool { return e.Pod.Name == "kcm" && !e.Pod.Ready }) ||
		!f.has(timeline.PodObserved, timeline.Added, named("new")) ||
		!f.has(timeline.PodObserved, timeline.Deleted, func(e timeline.Event) bool { return e.Pod.UID == "uid-replaced" }) ||
		!f.has(timeline.PodObserved, timeline.Added, func(e timeline.Event) bool { return e.Pod.UID == "uid-replaced-2" }) {
		t.Fatalf("changes made during the outage are missing:\n%s", dump(f.tl.Events()))
	}
	f.eventually(t, func() bool { return f.count(timeline.Relisted, "", nil) == 1 }, wait)
	assertOrder(t, f.tl.Events())
	for _, c := range []struct {
		typ  timeline.Type
		name string
	}{{timeline.PodObserved, "steady"}, {timeline.LeaseObserved, "kube-controller-manager"}, {timeline.NodeObserved, "cp"}} {
		if n := f.count(c.typ, "", named(c.name)); n != 1 {
			t.Errorf("%s %s recorded %d times, want once: the relist recorded noise", c.typ, c.name, n)
		}
	}
	f.waitWatching(t)
	_, _ = pods.Update(ctx, pod("kube-system", "steady", false, 0, ""), metav1.UpdateOptions{})
	f.eventually(t, func() bool {
		return f.has(timeline.PodObserved, timeline.Updated, func(e timeline.Event) bool { return e.Pod.Name == "steady" && !e.Pod.Ready })
	}, wait)
	stopPromptly(t, f)
}

// assertOrder checks that the outage ended before the relisted changes,
// and that the relist is marked after them.
func assertOrder(t *testing.T, events []timeline.Event) {
	t.Helper()
	idx := map[string]int{}
	for i, e := range events {
		k := string(e.Type) + string(e.Action) + e.Key()
		if _, ok := idx[k]; !ok {
			idx[k] = i
		}
	}
	started, ended := idx[string(timeline.OutageStarted)], idx[string(timeline.OutageEnded)]
	gone := idx[string(timeline.PodObserved)+string(timeline.Deleted)+"kube-system/gone"]
	relisted := idx[string(timeline.Relisted)]
	if !(started < ended && ended < gone && gone < relisted) {
		t.Fatalf("outage %d, recovery %d, deletion %d, relist %d are out of order:\n%s", started, ended, gone, relisted, dump(events))
	}
}

// stopPromptly stops the recorder during a second outage, while the
// reflectors retry, and fails if that takes long.
func stopPromptly(t *testing.T, f *fixture) {
	t.Helper()
	f.setDown(true)
	f.eventually(t, func() bool { return f.count(timeline.OutageStarted, "", nil) == 2 }, wait)
	done := make(chan struct{})
	go func() { f.rec.Stop(); f.rec.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not return")
	}
}

func TestStartFailsWhenUnreachable(t *testing.T) {
	t.Parallel()
	a := newFakeAPI()
	a.setDown(true)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	rec, err := Start(ctx, Options{Client: a.client, Timeline: timeline.New(time.Now()), Probe: a.probe})
	if err == nil {
		rec.Stop()
		t.Fatal("Start succeeded against an unreachable apiserver")
	}
}

func TestSnapshotOfTombstone(t *testing.T) {
	t.Parallel()
	ob, ok := snapshot(cache.DeletedFinalStateUnknown{Key: "kube-system/kcm", Obj: pod("kube-system", "kcm", false, 2, "CrashLoopBackOff")})
	if !ok || ob.key != "pod/kube-system/kcm" || ob.ev.Pod.Containers[0].RestartCount != 2 {
		t.Fatalf("tombstone snapshot: %+v %v", ob, ok)
	}
	if _, ok := snapshot(cache.DeletedFinalStateUnknown{Key: "x"}); ok {
		t.Fatal("an empty tombstone gave a snapshot")
	}
}
