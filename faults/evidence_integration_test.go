package faults_test

import (
	"strings"
	"testing"

	"github.com/harness-dev/harness/faults"
)

// TestIntegrationKill: SIGKILL of kube-scheduler inside the node; the
// evidence is the process gone and the kubelet's restart of its container.
func TestIntegrationKill(t *testing.T) {
	env := sharedEnv(t)
	f := newFault(t, "kill", faults.Common{Target: faults.Target{Component: "kube-scheduler"}}, &faults.KillParams{})
	inject(t, env, f)
	tookEffect(t, env, f, "signalled processes gone; kube-system/kube-scheduler-") // then "terminated (...)" or "restarted (restarts a→b)", by how fast the kubelet reports
	waitHealthy(t, env)
}

// TestIntegrationFaultsWithoutEffect: faults made ineffective on purpose
// show no evidence, and say what was observed instead: a partition of a
// port nothing uses drops nothing; SIGUSR1, which Go programs ignore, kills
// nothing; an expired client certificate is loaded by nobody when its user
// is not restarted; connections to a port nothing uses do not go stale; a
// failpoint on a path etcd never takes is never executed.
func TestIntegrationFaultsWithoutEffect(t *testing.T) {
	env := sharedEnv(t)
	tests := []struct {
		name, typ string
		c         faults.Common
		params    any
		says      string
	}{
		{"partition of an unused port", "partition", faults.Common{Duration: 1}, &faults.PartitionParams{Port: 1},
			"matched no packet"},
		{"loss on an unused port", "network", faults.Common{Duration: 1}, &faults.NetworkParams{Mode: "loss", Percent: 100, Port: 1},
			"matched no packet"},
		{"a signal the process ignores", "kill", faults.Common{Target: faults.Target{Component: "kube-scheduler"}},
			&faults.KillParams{Signal: "USR1"}, "the signalled processes still run"},
		{"a client certificate nobody reloads", "expire-certs", faults.Common{Duration: 1},
			&faults.ExpireCertsParams{Certs: []string{"apiserver-kubelet-client"}}, "nothing re-read the certificate"},
		{"stale connections to an unused port", "stale-connections", faults.Common{Duration: 1}, &faults.StaleParams{Port: 1},
			"matched no packet"},
		// A one-member etcd leads: it never sends as a follower.
		{"a failpoint etcd never reaches", "etcd-failpoint", faults.Common{Duration: 1},
			&faults.FailpointParams{Failpoint: "raftBeforeFollowerSend", Action: "sleep(100)"}, "executed 0 times"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFault(t, tt.typ, tt.c, tt.params)
			revert := inject(t, env, f)
			ev := evidence(t, env, f)
			if ev.Took || !strings.Contains(ev.Observed, tt.says) {
				t.Fatalf("evidence took %v: %q; want none, saying %q", ev.Took, ev.Observed, tt.says)
			}
			revert()
			waitHealthy(t, env)
		})
	}
}
