package e2e

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// longPartition holds a partition far longer than the tests wait.
const longPartition = `apiVersion: harness.dev/v1alpha1
kind: Scenario
metadata:
  name: NAME
cluster:
  workers: 0
faults:
  - name: partition-apiserver
    type: partition
    target: {node: control-plane}
    duration: 10m
assertions:
  - name: kcm-lease-held
    type: leaseHeld
    from: partition-apiserver.end
    within: 60s
    params: {lease: kube-system/kube-controller-manager}
`

func partitionRules(t *testing.T, node string) string {
	out, err := exec.Command("docker", "exec", node, "iptables", "-S", "INPUT").CombinedOutput()
	if err != nil {
		t.Fatalf("iptables in %s: %v: %s", node, err, out)
	}
	var rules []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "harness:") {
			rules = append(rules, l)
		}
	}
	return strings.Join(rules, "\n")
}

func controlPlaneOf(t *testing.T, prefix string) string {
	for _, name := range clusterContainers(t, prefix) {
		if strings.HasSuffix(name, "-control-plane") {
			return name
		}
	}
	t.Fatalf("no control-plane container of a cluster named %s*", prefix)
	return ""
}

// TestIntegrationInterruptRevertsPartition interrupts the harness (SIGINT,
// as Ctrl-C) in the middle of a partition: the rule must be gone afterwards.
// With --keep-cluster the cluster stays to be inspected, and `harness
// cleanup` deletes it from the run's journal.
func TestIntegrationInterruptRevertsPartition(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	p := h.startUntil(scenarioFile(t, strings.Replace(longPartition, "NAME", "interrupt", 1)),
		"fault partition-apiserver holds", "--keep-cluster")
	node := controlPlaneOf(t, "harness-interrupt")
	t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", node).Run() })
	if partitionRules(t, node) == "" {
		t.Fatalf("the partition rule is not in place while the fault holds")
	}
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	code := p.wait(t)
	t.Logf("output:\n%s", p.output())
	if code != 3 {
		t.Fatalf("exit code after Ctrl-C = %d, want 3 (the run could not be judged)", code)
	}
	if rules := partitionRules(t, node); rules != "" {
		t.Fatalf("partition rule left after Ctrl-C:\n%s", rules)
	}
	cleanup := h.command(t.Context(), "cleanup")
	if b, err := cleanup.CombinedOutput(); err != nil || !strings.Contains(string(b), "deleted cluster") {
		t.Fatalf("harness cleanup: %v\n%s", err, b)
	}
	if left := clusterContainers(t, "harness-interrupt"); len(left) > 0 {
		t.Fatalf("containers left after cleanup: %v", left)
	}
}

// TestIntegrationKill9ThenCleanup kills the harness with SIGKILL in the
// middle of a partition: the rule stays (nothing could revert it). With
// Docker unreachable `harness cleanup` keeps the revert and exits 3; once
// Docker answers it reverts it from the journal, then deletes the cluster.
func TestIntegrationKill9ThenCleanup(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	p := h.startUntil(scenarioFile(t, strings.Replace(longPartition, "NAME", "killed", 1)),
		"fault partition-apiserver holds")
	node := controlPlaneOf(t, "harness-killed")
	t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", node).Run() })
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	p.wait(t)
	if partitionRules(t, node) == "" {
		t.Fatalf("after kill -9 the partition rule should still be there for cleanup to revert")
	}
	// Docker does not answer (DOCKER_HOST at a dead socket): cleanup must
	// keep every pending revert, say so and exit 3, not call the cluster
	// gone.
	dead := h.command(t.Context(), "cleanup")
	dead.Env = append(dead.Env, "DOCKER_HOST=unix:///nonexistent/docker.sock")
	b, err := dead.CombinedOutput()
	t.Logf("harness cleanup with Docker unreachable:\n%s", b)
	if code := exitCode(t, err); code != 3 || !strings.Contains(string(b), "cannot reach Docker") ||
		!strings.Contains(string(b), "pending: partition fault partition-apiserver") || strings.Contains(string(b), "is gone") {
		t.Fatalf("cleanup with Docker unreachable: exit %d\n%s", code, b)
	}
	if partitionRules(t, node) == "" {
		t.Fatalf("the partition rule is gone although cleanup could not reach Docker")
	}
	faultsOnly := h.command(t.Context(), "cleanup", "--faults-only")
	if b, err := faultsOnly.CombinedOutput(); err != nil || !strings.Contains(string(b), "reverted partition fault partition-apiserver") {
		t.Fatalf("harness cleanup --faults-only: %v\n%s", err, b)
	}
	if rules := partitionRules(t, node); rules != "" {
		t.Fatalf("partition rule left after harness cleanup:\n%s", rules)
	}
	full := h.command(t.Context(), "cleanup")
	if b, err := full.CombinedOutput(); err != nil || !strings.Contains(string(b), "deleted cluster") {
		t.Fatalf("harness cleanup: %v\n%s", err, b)
	}
	if left := clusterContainers(t, "harness-killed"); len(left) > 0 {
		t.Fatalf("containers left after cleanup: %v", left)
	}
}
