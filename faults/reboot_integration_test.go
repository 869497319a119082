package faults_test

import (
	"strings"
	"testing"

	"github.com/harness-dev/harness/faults"
)

// TestIntegrationRebootNode powers the node off and on: what lives in tmpfs
// is gone, the pod network's boot script ran again, and the cluster heals.
func TestIntegrationRebootNode(t *testing.T) {
	env := sharedEnv(t)
	inNode(t, env, "touch /run/harness-before-reboot")
	f := newFault(t, "reboot-node", faults.Common{Target: faults.Target{Node: "control-plane"}}, &faults.RebootParams{})
	revert := inject(t, env, f)
	tookEffect(t, env, f, "powered off")
	revert()
	after := inNode(t, env, "ls /run/harness-before-reboot 2>&1; iptables -t nat -S POSTROUTING; systemctl is-active harness-network.service; true")
	if !strings.Contains(after, "No such file") {
		t.Errorf("/run survived the reboot, so the node did not reboot:\n%s", after)
	}
	if !strings.Contains(after, "harness-pod-masquerade") {
		t.Errorf("the pod masquerade rule is not back after the reboot:\n%s", after)
	}
	revert() // idempotent: starting a running node does nothing
	waitHealthy(t, env)
}

// TestIntegrationStopKubelet stops the kubelet in the node and starts it again.
func TestIntegrationStopKubelet(t *testing.T) {
	env := sharedEnv(t)
	f := newFault(t, "reboot-node", faults.Common{}, &faults.RebootParams{Mode: "kubelet"})
	revert := inject(t, env, f)
	if got := strings.TrimSpace(inNode(t, env, "systemctl is-active kubelet; true")); got != "inactive" {
		t.Fatalf("kubelet is %q while stopped, want inactive", got)
	}
	tookEffect(t, env, f, "kubelet of node")
	revert()
	if got := strings.TrimSpace(inNode(t, env, "systemctl is-active kubelet; true")); got != "active" {
		t.Fatalf("kubelet is %q after the revert, want active", got)
	}
	waitHealthy(t, env)
}
