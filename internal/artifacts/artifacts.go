// Package artifacts collects what a person needs to see why a run did not
// pass: the Kubernetes events and the lease history from the timeline, the
// logs of the containers that restarted or were not Ready (current and
// previous instances), and the nodes' logs (kind's log export). Everything
// goes under one directory of the report folder; the returned artifacts name
// the files relative to the report folder, for the reports to link.
package artifacts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/timeline"
)

// Source is where the artifacts come from besides the timeline. Client and
// ExportNodeLogs are optional (nil when the cluster never started).
type Source struct {
	Client kubernetes.Interface
	// ExportNodeLogs writes the nodes' logs into dir.
	ExportNodeLogs func(ctx context.Context, dir string) error
	// NodeLogsExported says the nodes' logs are already in NodesDir (the
	// provider wrote them when the cluster did not start): link them.
	NodeLogsExported bool
	// MaxPods bounds how many Pods' logs are fetched (default 20).
	MaxPods int
	// LogTimeout bounds each log request (default 10s): the apiserver may
	// still be down when a run fails.
	LogTimeout time.Duration
}

// Collect writes the artifacts of one run to reportDir/artifacts/runID and
// returns what it wrote. A piece that cannot be collected is skipped and
// its error returned; the other pieces are still written.
func Collect(ctx context.Context, src Source, reportDir, runID string, events []timeline.Event) ([]reports.Artifact, error) {
	rel := Dir(runID)
	dir := filepath.Join(reportDir, filepath.FromSlash(rel))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("artifacts directory: %w", err)
	}
	c := &collector{src: src, dir: dir, rel: rel}
	c.text("events.txt", "Kubernetes events", EventsText(events))
	c.text("leases.txt", "lease history", LeasesText(events))
	if src.Client != nil {
		c.podLogs(ctx, Targets(events, src.maxPods()))
	}
	c.nodeLogs(ctx)
	return c.out, errors.Join(c.errs...)
}

type collector struct {
	src  Source
	dir  string
	rel  string
	out  []reports.Artifact
	errs []error
}

// text writes one file of the artifacts directory and records it.
func (c *collector) text(name, title string, data []byte) {
	file := filepath.Join(c.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		c.errs = append(c.errs, fmt.Errorf("artifacts directory: %w", err))
		return
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		c.errs = append(c.errs, fmt.Errorf("write %s: %w", name, err))
		return
	}
	c.out = append(c.out, reports.Artifact{Path: path.Join(c.rel, name), Title: title})
}

// nodeLogs exports the nodes' logs, or links those exported already.
func (c *collector) nodeLogs(ctx context.Context) {
	dir := filepath.Join(c.dir, NodesDir)
	switch {
	case c.src.ExportNodeLogs != nil:
		if err := c.src.ExportNodeLogs(ctx, dir); err != nil {
			c.errs = append(c.errs, fmt.Errorf("node logs: %w", err))
			return
		}
	case !c.src.NodeLogsExported:
		return
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) == 0 {
		return
	}
	c.out = append(c.out, reports.Artifact{Path: path.Join(c.rel, NodesDir) + "/", Title: "node logs (kind's log export: kubelet, containerd, journal)"})
}

// NodesDir is the directory of the nodes' logs within Dir.
const NodesDir = "nodes"

// Dir is the artifacts directory of a run, relative to the report folder.
func Dir(runID string) string { return path.Join("artifacts", runID) }

func (s Source) maxPods() int {
	if s.MaxPods > 0 {
		return s.MaxPods
	}
	return 20
}

func (s Source) logTimeout() time.Duration {
	if s.LogTimeout > 0 {
		return s.LogTimeout
	}
	return 10 * time.Second
}
