package faults_test

import (
	"strings"
	"testing"

	"github.com/harness-dev/harness/faults"
)

// processStates prints the state letter (R, S, T...) of every process of
// the node named name.
func processStates(t *testing.T, env faults.Env, name string) string {
	t.Helper()
	script := `for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = ` + name + ` ] && ` +
		`awk '/^State:/ {print $2}' $p/status; done; true`
	return strings.TrimSpace(inNode(t, env, script))
}

func TestIntegrationPause(t *testing.T) {
	env := sharedEnv(t)
	f := newFault(t, "pause", faults.Common{Target: faults.Target{Component: "kube-scheduler"}}, nil)
	revert := inject(t, env, f)
	if got := processStates(t, env, "kube-scheduler"); got != "T" {
		t.Fatalf("kube-scheduler state while paused = %q, want T (stopped)", got)
	}
	tookEffect(t, env, f, "in state T (stopped)")
	revert()
	if got := processStates(t, env, "kube-scheduler"); got == "" || strings.Contains(got, "T") {
		t.Fatalf("kube-scheduler state after revert = %q, want running or sleeping", got)
	}
	revert() // idempotent
	waitHealthy(t, env)
}
