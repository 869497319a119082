package artifacts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/harness-dev/harness/timeline"
)

func pod(at time.Duration, action timeline.Action, name string, ready bool, restarts int32) timeline.Event {
	return timeline.Event{At: at, Type: timeline.PodObserved, Action: action, Pod: &timeline.Pod{
		Namespace: "kube-system", Name: name, Ready: ready, Phase: "Running",
		Containers: []timeline.Container{{Name: "main", Ready: ready, RestartCount: restarts}},
	}}
}

func lease(at time.Duration, holder string, transitions int32, renew time.Time) timeline.Event {
	return timeline.Event{At: at, Type: timeline.LeaseObserved, Action: timeline.Updated, Lease: &timeline.Lease{
		Namespace: "kube-system", Name: "kube-controller-manager", Holder: holder, Transitions: transitions,
		AcquireTime: time.Date(2026, 11, 22, 10, 0, int(transitions), 0, time.UTC), RenewTime: renew,
	}}
}

func mark(at time.Duration, name string) timeline.Event {
	return timeline.Event{At: at, Type: timeline.MarkReached, Mark: name}
}

func sampleTimeline() []timeline.Event {
	renew := time.Date(2026, 11, 22, 10, 1, 0, 0, time.UTC)
	return []timeline.Event{
		pod(time.Second, "added", "restarted", true, 1), // restarted before the run: not a target
		pod(time.Second, "added", "was-restarted", true, 0),
		pod(time.Second, "added", "never-ready", false, 0),
		pod(time.Second, "added", "fine", true, 0),
		pod(time.Second, "added", "gone", false, 3),
		lease(2*time.Second, "a", 1, renew),
		lease(4*time.Second, "a", 1, renew.Add(2*time.Second)), // a renewal: not listed
		mark(10*time.Second, "kill-kcm.start"),
		{At: 11 * time.Second, Type: timeline.KubeEvent, Kube: &timeline.KubeEvt{Namespace: "kube-system",
			Object: "Pod/was-restarted", Reason: "BackOff", Message: "Back-off restarting failed container", Type: "Warning"}},
		{At: 12 * time.Second, Type: timeline.OutageStarted, Note: "(connection refused)"},
		pod(13*time.Second, "updated", "was-restarted", true, 2),
		pod(14*time.Second, "deleted", "gone", false, 3),
		lease(30*time.Second, "b", 2, renew.Add(30*time.Second)),
	}
}

func TestTargets(t *testing.T) {
	t.Parallel()
	got := Targets(sampleTimeline(), 20)
	want := []Target{
		{Namespace: "kube-system", Name: "never-ready", Containers: []TargetContainer{{Name: "main"}}},
		{Namespace: "kube-system", Name: "was-restarted", Containers: []TargetContainer{{Name: "main", Previous: true}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Targets = %+v\nwant %+v", got, want)
	}
	if got := Targets(sampleTimeline(), 1); len(got) != 1 || got[0].Name != "never-ready" {
		t.Fatalf("Targets bounded to 1 = %+v", got)
	}
}

func TestTexts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		text   []byte
		want   []string
		absent []string
	}{
		{"events", EventsText(sampleTimeline()), []string{
			"+10.0s --- kill-kcm.start",
			"+11.0s Warning kube-system Pod/was-restarted BackOff: Back-off restarting failed container",
			"+12.0s --- apiserver stopped answering the recorder (connection refused)",
			"# 1 Kubernetes events",
		}, []string{"lease"}},
		{"leases", LeasesText(sampleTimeline()), []string{
			`+2.0s lease kube-system/kube-controller-manager holder "a" acquired 10:00:01.000 transitions 1`,
			`+30.0s lease kube-system/kube-controller-manager holder "b" acquired 10:00:02.000 transitions 2`,
			`# lease kube-system/kube-controller-manager: last holder "b", last renewed 10:01:30.000`,
			"+10.0s --- kill-kcm.start",
		}, []string{"+4.0s", "BackOff"}},
	}
	for _, tt := range tests {
		text := string(tt.text)
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", tt.name, w, text)
			}
		}
		for _, a := range tt.absent {
			if strings.Contains(text, a) {
				t.Errorf("%s has %q:\n%s", tt.name, a, text)
			}
		}
	}
}

func TestCollect(t *testing.T) {
	t.Parallel()
	client := fake.NewSimpleClientset(
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "was-restarted"}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "never-ready"}},
	)
	exported := ""
	src := Source{Client: client, ExportNodeLogs: func(_ context.Context, dir string) error {
		exported = dir
		return errors.New("no nodes")
	}}
	dir := t.TempDir()
	got, err := Collect(context.Background(), src, dir, "run-1", sampleTimeline())
	if err == nil || !strings.Contains(err.Error(), "node logs: no nodes") {
		t.Errorf("Collect error = %v, want the node log export's", err)
	}
	if exported != filepath.Join(dir, "artifacts", "run-1", "nodes") {
		t.Errorf("node logs exported to %q", exported)
	}
	var paths []string
	for _, a := range got {
		paths = append(paths, a.Path)
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(a.Path))); err != nil || a.Title == "" {
			t.Errorf("artifact %+v: %v", a, err)
		}
	}
	want := []string{
		"artifacts/run-1/events.txt", "artifacts/run-1/leases.txt",
		"artifacts/run-1/pods/kube-system_never-ready_main.log",
		"artifacts/run-1/pods/kube-system_was-restarted_main.log",
		"artifacts/run-1/pods/kube-system_was-restarted_main.previous.log",
	}
	if !reflect.DeepEqual(paths, want) {
		t.Fatalf("artifacts %q\nwant %q", paths, want)
	}
}

func TestCollectWithoutCluster(t *testing.T) {
	t.Parallel()
	got, err := Collect(context.Background(), Source{}, t.TempDir(), "run-2", nil)
	if err != nil || len(got) != 2 {
		t.Fatalf("Collect without a cluster = %+v, %v; want events and leases only", got, err)
	}
}
