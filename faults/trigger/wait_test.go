package trigger

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/harness-dev/harness/timeline"
)

func TestEventMatch(t *testing.T) {
	t.Parallel()
	ev := func(reason, name string, count int32) *corev1.Event {
		return &corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: "n", Name: name + reason},
			Reason: reason, Count: count, InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: name}}
	}
	tests := []struct {
		name   string
		params EventParams
		c      change
		want   bool
	}{
		{"new event", EventParams{Reason: "BackOff"}, change{cur: ev("BackOff", "web-1", 1)}, true},
		{"existing at arming", EventParams{Reason: "BackOff"}, change{cur: ev("BackOff", "web-1", 1), initial: true}, false},
		{"other reason", EventParams{Reason: "BackOff"}, change{cur: ev("Pulled", "web-1", 1)}, false},
		{"repeated", EventParams{Reason: "BackOff"}, change{old: ev("BackOff", "web-1", 1), cur: ev("BackOff", "web-1", 2)}, true},
		{"updated, not repeated", EventParams{Reason: "BackOff"}, change{old: ev("BackOff", "web-1", 2), cur: ev("BackOff", "web-1", 2)}, false},
		{"object by prefix", EventParams{Reason: "BackOff", Object: "web"}, change{cur: ev("BackOff", "web-1", 1)}, true},
		{"object by kind/name", EventParams{Reason: "BackOff", Object: "Pod/db"}, change{cur: ev("BackOff", "web-1", 1)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := &event{p: tt.params}
			if _, got := e.match(tt.c); got != tt.want {
				t.Fatalf("fired = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLogStreamScan(t *testing.T) {
	t.Parallel()
	armed := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	logs := strings.Join([]string{
		"2026-01-01T09:59:59.900000000Z attempting to acquire leader lease kube-system/x", // before arming
		"2026-01-01T10:00:00.100000000Z starting",
		"2026-01-01T10:00:00.200000000Z I1122 attempting to acquire leader lease kube-system/x...",
	}, "\n")
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "n", Name: "p"}}
	s := &stream{pod: pod, container: "c", since: armed}
	var got []Line
	s.scan(strings.NewReader(logs), func(l Line) { got = append(got, l) })
	// Reopened after a broken stream from the last line: nothing twice.
	s.scan(strings.NewReader(logs+"\n2026-01-01T10:00:01.000000000Z later"), func(l Line) { got = append(got, l) })
	if len(got) != 3 || got[0].Text != "starting" || got[2].Text != "later" || got[1].Pod != "p" || got[1].Container != "c" {
		t.Fatalf("lines %+v, want the three lines after arming, once each", got)
	}
	if want := armed.Add(200 * time.Millisecond); !got[1].Time.Equal(want) {
		t.Fatalf("time %s, want %s", got[1].Time, want)
	}
}

func TestMomentWait(t *testing.T) {
	t.Parallel()
	tl := timeline.New(time.Now())
	tl.Mark("kill.start", "")
	tr, _ := momentSpec.New(&MomentParams{Moment: "kill.end"})
	go func() {
		tl.Mark("other", "")
		tl.Mark("kill.end", "")
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f, err := tr.Wait(ctx, Env{Timeline: tl})
	if err != nil || f.What != "moment kill.end" {
		t.Fatalf("Wait = %+v, %v", f, err)
	}
}

// TestEventWaitOnFakeClient runs the informer path: Events are created until
// the trigger fires (the first ones may land before the informer's list).
func TestEventWaitOnFakeClient(t *testing.T) {
	t.Parallel()
	client := fake.NewClientset()
	tr, _ := eventSpec.New(&EventParams{Reason: "Boom", Namespace: "n"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ctx.Err() == nil; i++ {
			e := &corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: "n", Name: fmt.Sprint("e", i)}, Reason: "Boom",
				InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "p"}}
			_, _ = client.CoreV1().Events("n").Create(ctx, e, metav1.CreateOptions{})
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	f, err := tr.Wait(ctx, Env{Client: client})
	cancel()
	<-done
	if err != nil || !strings.Contains(f.What, "event Boom on n/Pod/p") {
		t.Fatalf("Wait = %+v, %v", f, err)
	}
}
