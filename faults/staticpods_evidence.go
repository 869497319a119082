package faults

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// componentPIDs lists the PIDs of the fault's components, by node/component.
func (f *staticPods) componentPIDs(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	for _, n := range f.nodes {
		for _, comp := range f.p.Components {
			res, err := n.Exec(ctx, nil, script(findByNameFn+`find_by_name "$1"; echo $pids`, comp)...)
			if err != nil {
				return nil, err
			}
			out[n.Name()+"/"+comp] = pidsOf(res)
		}
	}
	return out, nil
}

// Evidence: the kubelet tore the static pods down: none of the processes
// that ran before the injection runs at the end of the window (moved out:
// none runs; rewritten: new ones run). The kubelet stops a static pod with
// its grace period (kube-apiserver drains its requests first), so this
// waits, bounded by ctx, for the old processes to be gone.
func (f *staticPods) Evidence(ctx context.Context, env Env) Evidence {
	return poll(ctx, func() (Evidence, bool) {
		ev := f.evidenceNow(ctx)
		return ev, ev.Took
	})
}

func (f *staticPods) evidenceNow(ctx context.Context) Evidence {
	now, err := f.componentPIDs(ctx)
	if err != nil {
		return missing("could not read the components' processes: %v", err)
	}
	var still, done []string
	for key, before := range f.before {
		var kept []string
		for _, pid := range now[key] {
			if slices.Contains(before, pid) {
				kept = append(kept, pid)
			}
		}
		if len(before) == 0 {
			still = append(still, key+" ran no process before the fault")
			continue
		}
		if len(kept) > 0 {
			still = append(still, fmt.Sprintf("%s still runs PIDs %s", key, strings.Join(kept, " ")))
			continue
		}
		done = append(done, fmt.Sprintf("%s: PIDs %s gone (now: %s)", key, strings.Join(before, " "), noneIfEmpty(now[key])))
	}
	if len(still) > 0 {
		return missing("the kubelet did not tear the static pods down: %s", strings.Join(still, "; "))
	}
	return took("%s", strings.Join(done, "; "))
}

func noneIfEmpty(pids []string) string {
	if len(pids) == 0 {
		return "none"
	}
	return strings.Join(pids, " ")
}
