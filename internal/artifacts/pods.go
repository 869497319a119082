package artifacts

import (
	"context"
	"fmt"
	"path"
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/harness-dev/harness/timeline"
)

// Target is a Pod whose logs are collected.
type Target struct {
	Namespace, Name string
	Containers      []TargetContainer
}

// TargetContainer is one container of a Target; Previous is set when the
// container restarted, so its previous instance's log exists.
type TargetContainer struct {
	Name     string
	Previous bool
}

// Targets picks, from a timeline, the Pods that still exist at its end and
// whose containers restarted during the run, or that were not Ready when
// last seen: the Pods a person looks at first. At most max, by name.
func Targets(events []timeline.Event, max int) []Target {
	first := map[string]map[string]int32{} // pod -> container -> first restart count
	last := map[string]*timeline.Pod{}
	for _, e := range events {
		p := e.Pod
		if e.Type != timeline.PodObserved || p == nil {
			continue
		}
		key := p.Namespace + "/" + p.Name
		if e.Action == timeline.Deleted {
			delete(last, key)
			delete(first, key)
			continue
		}
		if first[key] == nil {
			first[key] = map[string]int32{}
			for _, c := range p.Containers {
				first[key][c.Name] = c.RestartCount
			}
		}
		last[key] = p
	}
	var out []Target
	for key, p := range last {
		if t, ok := target(p, first[key]); ok {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Namespace+"/"+out[i].Name < out[j].Namespace+"/"+out[j].Name
	})
	if len(out) > max {
		out = out[:max]
	}
	return out
}

func target(p *timeline.Pod, first map[string]int32) (Target, bool) {
	t := Target{Namespace: p.Namespace, Name: p.Name}
	interesting := !p.Ready && p.Phase != string(corev1.PodSucceeded)
	for _, c := range p.Containers {
		restarted := c.RestartCount > first[c.Name]
		interesting = interesting || restarted
		t.Containers = append(t.Containers, TargetContainer{Name: c.Name, Previous: c.RestartCount > 0})
	}
	return t, interesting && len(t.Containers) > 0
}

// podLogs writes the log of every target container, and of its previous
// instance when it restarted.
func (c *collector) podLogs(ctx context.Context, targets []Target) {
	for _, t := range targets {
		for _, ctr := range t.Containers {
			c.podLog(ctx, t, ctr.Name, false)
			if ctr.Previous {
				c.podLog(ctx, t, ctr.Name, true)
			}
		}
	}
}

func (c *collector) podLog(ctx context.Context, t Target, container string, previous bool) {
	ctx, cancel := context.WithTimeout(ctx, c.src.logTimeout())
	defer cancel()
	limit := int64(4 << 20)
	data, err := c.src.Client.CoreV1().Pods(t.Namespace).GetLogs(t.Name, &corev1.PodLogOptions{
		Container: container, Previous: previous, LimitBytes: &limit,
	}).DoRaw(ctx)
	name := fmt.Sprintf("%s_%s_%s", t.Namespace, t.Name, container)
	title := fmt.Sprintf("log of %s/%s, container %s", t.Namespace, t.Name, container)
	if previous {
		name += ".previous"
		title += " (previous instance)"
	}
	if err != nil {
		c.errs = append(c.errs, fmt.Errorf("%s: %w", title, err))
		return
	}
	c.text(path.Join("pods", name+".log"), title, data)
}
