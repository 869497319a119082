package faults_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/faults/trigger"
)

// BenchmarkIntegrationTriggerLatency measures, on a real cluster, the time
// from a change sent to the apiserver to the moment a watch-based trigger
// fires (goal: under 200ms at p95). Run it with `make bench-triggers`.
func BenchmarkIntegrationTriggerLatency(b *testing.B) {
	env := sharedEnv(b)
	const rounds = 40
	for _, c := range []struct {
		name string
		spec string
		p    func(i int) any
		poke func(ctx context.Context, i int) error
	}{
		{"event", "event", func(int) any { return &trigger.EventParams{Reason: "HarnessBench", Namespace: "default"} }, pokeEvent(env)},
		{"lease", "lease", func(int) any { return &trigger.LeaseParams{Lease: "default/harness-bench", On: "acquired"} }, pokeLease(env)},
		{"podCondition", "podCondition", func(i int) any {
			return &trigger.PodConditionParams{Namespace: "default", Selector: "app=harness-bench",
				Condition: "harness.dev/bench", Status: flip(i)}
		}, pokePod(env)},
	} {
		b.Run(c.name, func(b *testing.B) {
			spec, _ := trigger.Lookup(c.spec)
			var lat []time.Duration
			for i := 0; i < rounds*b.N; i++ {
				tr, errs := spec.New(c.p(i))
				if errs != nil {
					b.Fatal(errs.ToAggregate())
				}
				d, err := measure(tr, env, func(ctx context.Context) error { return c.poke(ctx, i) })
				if err != nil {
					b.Fatalf("round %d: %v", i, err)
				}
				lat = append(lat, d)
			}
			slices.Sort(lat)
			q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(q(0.5), "p50-ms")
			b.ReportMetric(q(0.95), "p95-ms")
			b.ReportMetric(q(1), "max-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// measure arms tr, pokes the cluster once it watches, and returns the time
// from the poke to the trigger firing.
func measure(tr trigger.Trigger, env faults.Env, poke func(context.Context) error) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	armed := make(chan struct{})
	type res struct {
		f   trigger.Fired
		err error
	}
	done := make(chan res, 1)
	go func() {
		f, err := tr.Wait(ctx, trigger.Env{Client: env.Client, Armed: func() { close(armed) }})
		done <- res{f, err}
	}()
	select {
	case <-armed:
	case r := <-done:
		return 0, fmt.Errorf("trigger ended before arming: %v", r.err)
	}
	start := time.Now()
	if err := poke(ctx); err != nil {
		return 0, err
	}
	r := <-done
	if r.err != nil {
		return 0, r.err
	}
	return r.f.Observed.Sub(start), nil
}

func pokeEvent(env faults.Env) func(context.Context, int) error {
	return func(ctx context.Context, i int) error {
		e := &corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: fmt.Sprintf("harness-bench-%d-%d", time.Now().UnixNano(), i)},
			Reason: "HarnessBench", Message: "trigger latency benchmark", Type: "Normal",
			InvolvedObject: corev1.ObjectReference{Kind: "Namespace", Name: "default"}, FirstTimestamp: metav1.Now(), LastTimestamp: metav1.Now()}
		_, err := env.Client.CoreV1().Events("default").Create(ctx, e, metav1.CreateOptions{})
		return err
	}
}

func pokeLease(env faults.Env) func(context.Context, int) error {
	return func(ctx context.Context, i int) error {
		leases := env.Client.CoordinationV1().Leases("default")
		holder := fmt.Sprintf("bench-%d", i)
		now := metav1.NowMicro()
		l, err := leases.Get(ctx, "harness-bench", metav1.GetOptions{})
		if err != nil {
			l = &coordv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "harness-bench"}}
			l.Spec.HolderIdentity, l.Spec.AcquireTime = &holder, &now
			_, err = leases.Create(ctx, l, metav1.CreateOptions{})
			return err
		}
		l.Spec.HolderIdentity, l.Spec.AcquireTime = &holder, &now
		_, err = leases.Update(ctx, l, metav1.UpdateOptions{})
		return err
	}
}

// pokePod flips a custom condition of a Pod that no kubelet runs (it is
// bound to a node that does not exist), so only the benchmark changes it.
func pokePod(env faults.Env) func(context.Context, int) error {
	return func(ctx context.Context, i int) error {
		pods := env.Client.CoreV1().Pods("default")
		p, err := pods.Get(ctx, "harness-bench", metav1.GetOptions{})
		if err != nil {
			p = &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "harness-bench", Labels: map[string]string{"app": "harness-bench"}},
				Spec: corev1.PodSpec{NodeName: "nowhere", Containers: []corev1.Container{{Name: "c", Image: "none"}}}}
			if p, err = pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
				return err
			}
		}
		status := corev1.ConditionStatus(flip(i))
		p.Status.Conditions = []corev1.PodCondition{{Type: "harness.dev/bench", Status: status, LastTransitionTime: metav1.Now()}}
		_, err = pods.UpdateStatus(ctx, p, metav1.UpdateOptions{})
		return err
	}
}

// flip is the condition status round i sets and waits for.
func flip(i int) string {
	if i%2 == 0 {
		return "True"
	}
	return "False"
}
