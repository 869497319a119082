package faults

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Evidence is what the system shows of a fault: that it took effect, or
// what is missing and what was observed instead. It is gathered from the
// system (processes, packet counters, the certificate served, API objects,
// container states), never from the fault's own exit status: a recovery
// judged after a fault that did nothing passes trivially.
type Evidence struct {
	// Took is true when the system shows the fault took effect.
	Took bool `json:"took"`
	// Observed says what was seen, for people: the proof, or what is
	// missing and what was observed instead.
	Observed string `json:"observed"`
}

// took and missing build Evidence.
func took(format string, args ...any) Evidence {
	return Evidence{Took: true, Observed: fmt.Sprintf(format, args...)}
}

func missing(format string, args ...any) Evidence {
	return Evidence{Observed: fmt.Sprintf(format, args...)}
}

// Prover is a Fault that gathers its Evidence while it holds: after Inject
// and before its revert (for an instant fault, once it is injected). It may
// wait, bounded by ctx, for the system to show the effect.
type Prover interface {
	Evidence(ctx context.Context, env Env) Evidence
}

// processStates: the PIDs as arguments. Prints "PID STATE" per PID, STATE
// being /proc/PID/stat's state letter (R, S, T, Z, ...) or "gone".
const processStates = `for p in "$@"; do
  if [ -r "/proc/$p/stat" ]; then echo "$p $(sed 's/.*) //' "/proc/$p/stat" | cut -d' ' -f1)"; else echo "$p gone"; fi
done`

// states reads the states of PIDs in a node: pid -> state letter or "gone".
func states(ctx context.Context, env Env, node string, pids []string) (map[string]string, error) {
	n := env.Cluster.Node(node)
	if n == nil {
		return nil, fmt.Errorf("node %s is gone", node)
	}
	out, err := n.Exec(ctx, nil, script(processStates, pids...)...)
	if err != nil {
		return nil, err
	}
	st := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if pid, state, ok := strings.Cut(line, " "); ok {
			st[pid] = state
		}
	}
	return st, nil
}

// pidsOf parses the PIDs a signal script printed.
func pidsOf(out []byte) []string {
	var pids []string
	for _, f := range strings.Fields(string(out)) {
		if _, err := strconv.Atoi(f); err == nil {
			pids = append(pids, f)
		}
	}
	return pids
}

// poll calls check every second until it reports done or ctx ends, and
// returns the last evidence a check completed (one cut short by ctx's end
// says only that it ran out of time).
func poll(ctx context.Context, check func() (Evidence, bool)) Evidence {
	var last Evidence
	for {
		ev, done := check()
		switch {
		case done:
			return ev
		case ctx.Err() != nil && last.Observed != "":
			return last
		}
		last = ev
		select {
		case <-ctx.Done():
			return last
		case <-time.After(time.Second):
		}
	}
}
