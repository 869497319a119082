package trigger

import (
	"strings"
	"testing"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/harness-dev/harness/clusters"
)

func TestNewValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ     string
		params  any
		wantErr string
	}{
		{"moment", &MomentParams{Moment: "kill.end"}, ""},
		{"moment", &MomentParams{}, "params.moment: Required value"},
		{"lease", &LeaseParams{Lease: "kube-system/kube-scheduler", On: "acquired"}, ""},
		{"lease", &LeaseParams{Lease: "kube-scheduler", On: "lost"}, `params.lease: Invalid value: "kube-scheduler": want namespace/name`},
		{"lease", &LeaseParams{Lease: "a/b", On: "renewed"}, `params.on: Unsupported value: "renewed": supported values: "acquired", "lost"`},
		{"podCondition", &PodConditionParams{Namespace: "x", Selector: "app=y", Status: "False"}, ""},
		{"podCondition", &PodConditionParams{Namespace: "x", Selector: "app=y", Status: "no"}, `params.status: Unsupported value: "no": supported values: "True", "False"`},
		{"podCondition", &PodConditionParams{Selector: "app=y", Status: "True"}, "params.namespace: Required value"},
		{"podCondition", &PodConditionParams{Namespace: "x", Selector: "a b", Status: "True"}, "params.selector"},
		{"event", &EventParams{Reason: "BackOff"}, ""},
		{"event", &EventParams{}, "params.reason: Required value"},
		{"logLine", &LogLineParams{Workload: clusters.Workload{Component: "kube-controller-manager"}, Regex: "leader"}, ""},
		{"logLine", &LogLineParams{Workload: clusters.Workload{Component: "kubelet"}, Regex: "x"}, `params.component: Unsupported value: "kubelet": supported values: "kube-apiserver"`},
		{"logLine", &LogLineParams{Workload: clusters.Workload{Namespace: "n", Selector: "a=b"}, Regex: "("}, "params.regex"},
		{"logLine", &LogLineParams{Regex: "x"}, "params.component: Required value: want a component"},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"/"+tt.wantErr, func(t *testing.T) {
			t.Parallel()
			spec, ok := Lookup(tt.typ)
			if !ok {
				t.Fatalf("no trigger %s; have %v", tt.typ, Types())
			}
			_, errs := spec.New(tt.params)
			err := errs.ToAggregate()
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func newLeaseObj(holder string, transitions int32, renewed time.Time) *coordv1.Lease {
	d := int32(15)
	// The acquisition depends only on the transition, never on the clock
	// (derived from renewed, it moved when a renewal crossed the hour).
	acquired := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(transitions) * time.Minute)
	return &coordv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kcm"},
		Spec: coordv1.LeaseSpec{HolderIdentity: &holder, LeaseTransitions: &transitions, LeaseDurationSeconds: &d,
			AcquireTime: &metav1.MicroTime{Time: acquired}, RenewTime: &metav1.MicroTime{Time: renewed}}}
}

func TestLeaseMatch(t *testing.T) {
	t.Parallel()
	now := time.Now()
	a := newLeaseObj("a", 1, now)
	tests := []struct {
		name    string
		on      string
		initial *coordv1.Lease
		next    *coordv1.Lease
		want    bool
	}{
		{"renewal is not an acquisition", "acquired", a, newLeaseObj("a", 1, now.Add(2*time.Second)), false},
		{"new holder is", "acquired", a, newLeaseObj("b", 2, now.Add(time.Second)), true},
		{"same holder after a transition is", "acquired", a, newLeaseObj("a", 2, now.Add(time.Second)), true},
		{"created after arming is", "acquired", nil, a, true},
		{"new holder means lost", "lost", a, newLeaseObj("b", 2, now), true},
		{"renewal is not lost", "lost", a, newLeaseObj("a", 1, now.Add(time.Second)), false},
		{"other lease is ignored", "acquired", a, func() *coordv1.Lease { l := newLeaseObj("b", 2, now); l.Name = "x"; return l }(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr, err := newLease(&LeaseParams{Lease: "kube-system/kcm", On: tt.on})
			if err != nil {
				t.Fatal(err)
			}
			l := tr.(*lease)
			if tt.initial != nil {
				l.match(change{cur: tt.initial, initial: true})
			}
			f, got := l.match(change{old: tt.initial, cur: tt.next})
			if got != tt.want {
				t.Fatalf("fired = %v (%s), want %v", got, f.What, tt.want)
			}
		})
	}
}

func TestLeaseExpiry(t *testing.T) {
	t.Parallel()
	tr, _ := newLease(&LeaseParams{Lease: "kube-system/kcm", On: "lost"})
	l := tr.(*lease)
	l.match(change{cur: newLeaseObj("a", 1, time.Now().Add(-10*time.Second)), initial: true})
	if f, ok := l.expired(); ok {
		t.Fatalf("fired before the lease ran out: %s", f.What)
	}
	l.match(change{cur: newLeaseObj("a", 1, time.Now().Add(-20*time.Second)), initial: true})
	f, ok := l.expired()
	if !ok || !strings.Contains(f.What, "expired") {
		t.Fatalf("expired lease did not fire: %v %q", ok, f.What)
	}
}

func podWith(uid, status string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "n", Name: "p-" + uid, UID: k8stypes.UID("u" + uid)},
		Status: corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionStatus(status)}}}}
}

func TestPodConditionMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		initial *corev1.Pod
		next    *corev1.Pod
		want    bool
	}{
		{"ready becomes not ready", podWith("1", "True"), podWith("1", "False"), true},
		{"stays not ready", podWith("1", "False"), podWith("1", "False"), false},
		{"new pod not ready", nil, podWith("2", "False"), true},
		{"becomes ready", podWith("1", "False"), podWith("1", "True"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr, err := newPodCondition(&PodConditionParams{Namespace: "n", Selector: "a=b", Status: "False"})
			if err != nil {
				t.Fatal(err)
			}
			pc := tr.(*podCondition)
			if tt.initial != nil {
				pc.match(change{cur: tt.initial, initial: true})
			}
			if _, got := pc.match(change{old: tt.initial, cur: tt.next}); got != tt.want {
				t.Fatalf("fired = %v, want %v", got, tt.want)
			}
		})
	}
}
