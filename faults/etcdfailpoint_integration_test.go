package faults_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-dev/harness/faults"
)

// medianWrite is the median time of five ConfigMap writes (each one a
// Raft entry that etcd fsyncs to its WAL before answering).
func medianWrite(t *testing.T, env faults.Env) time.Duration {
	t.Helper()
	var d []time.Duration
	for range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		start := time.Now()
		_, err := env.Client.CoreV1().ConfigMaps("default").Create(ctx,
			&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{GenerateName: "harness-failpoint-"}}, metav1.CreateOptions{})
		cancel()
		if err != nil {
			t.Fatalf("write: %v", err)
		}
		d = append(d, time.Since(start))
	}
	slices.Sort(d)
	return d[2]
}

// TestIntegrationEtcdFailpoint: walBeforeSync=sleep(400) makes every write
// wait for the slow fsync while etcd keeps running; after the revert the
// failpoint is off and writes are fast again. Needs the offline image
// (etcd built with gofail).
func TestIntegrationEtcdFailpoint(t *testing.T) {
	env := sharedEnv(t)
	g := NewWithT(t)
	before := medianWrite(t, env)
	f := newFault(t, "etcd-failpoint", faults.Common{Duration: time.Minute},
		&faults.FailpointParams{Failpoint: "walBeforeSync", Action: "sleep(400)"})
	revert := inject(t, env, f)
	during := medianWrite(t, env)
	g.Expect(inNode(t, env, "curl -s http://127.0.0.1:22381/walBeforeSync")).To(Equal("sleep(400)\n"))
	g.Expect(strings.TrimSpace(inNode(t, env, "pgrep -c -x etcd"))).To(Equal("1"), "etcd is not running during the fault")
	tookEffect(t, env, f, "executed")
	revert()
	after := medianWrite(t, env)
	t.Logf("median ConfigMap write: %s before, %s with walBeforeSync=sleep(400), %s after the revert", before, during, after)
	g.Expect(during).To(BeNumerically(">=", 400*time.Millisecond), "writes did not wait for the slow fsync")
	g.Expect(after).To(BeNumerically("<", 400*time.Millisecond), "writes are still slow after the revert")
	// gofail answers 404 for a failpoint that is off.
	g.Expect(inNode(t, env, "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:22381/walBeforeSync")).To(Equal("404"), "the failpoint is still set")
	revert() // a second revert is harmless
}
