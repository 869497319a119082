package runner

import (
	"context"
	"fmt"
	"sync"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/probes"
)

// startHTTPProbes starts the data-plane probes of the assertions that need
// them; they record every answer in the timeline until stopHTTPProbes.
func (r *run) startHTTPProbes(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	r.stopHTTP = func() { cancel(); wg.Wait() }
	for _, e := range r.sc.Assertions {
		p, ok := e.Assertion.(assertions.HTTPProber)
		if !ok {
			continue
		}
		probe := p.HTTPProbe()
		url, err := probes.URL(ctx, r.client(), r.env.Cluster, probe)
		if err != nil {
			return fmt.Errorf("assertion %s: %w", e.Name, err)
		}
		r.pr.step("probing data plane %s every %s for %s", url, probe.Interval, e.Name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			probes.HTTP(ctx, r.tl, e.Name, url, probe.Interval)
		}()
	}
	return nil
}

func (r *run) stopHTTPProbes() {
	if r.stopHTTP != nil {
		r.stopHTTP()
	}
}
