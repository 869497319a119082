// Package probes performs what assertions ask for besides the watches
// (assertions.Probe): a probe Deployment scaled up at an assertion's moment
// (podsCreatable), an object applied at it (reconciles), HTTP requests
// (httpAvailable) and DNS queries (dnsResolves) from the host, a node or a
// Pod's network namespace, metric scrapes (metric) and log streams
// (logLine). Each records what it did or saw on the timeline; the
// assertions judge it. Start is the one starter that the runner (CLI) and
// the Go API share.
package probes

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/timeline"
)

// Env is where probes act and record.
type Env struct {
	Client   kubernetes.Interface
	Cluster  *clusters.Cluster
	Timeline *timeline.Timeline
	Log      *slog.Logger
	// Step, when set, reports what a probe does, for people.
	Step func(format string, args ...any)
	// Timeout bounds how long a probe waits for its moment and retries its
	// action (default 10m).
	Timeout time.Duration
}

// Request is the probe of one assertion.
type Request struct {
	Name, From string
	Probe      assertions.Probe
}

// Requests lists the probes that assertions need, in order.
func Requests(names, froms []string, as []assertions.Assertion) []Request {
	var out []Request
	for i, a := range as {
		if p, ok := a.(assertions.Prober); ok {
			out = append(out, Request{Name: names[i], From: froms[i], Probe: p.Probe()})
		}
	}
	return out
}

// Start prepares every probe now (creates probe Deployments, resolves
// addresses) and runs them in the background until stop, which also
// deletes what they created. On error nothing is left running.
func Start(ctx context.Context, env Env, reqs []Request) (stop func(), err error) {
	if env.Step == nil {
		env.Step = func(string, ...any) {}
	}
	if env.Timeout == 0 {
		env.Timeout = 10 * time.Minute
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	var undo []func()
	stop = func() {
		cancel()
		wg.Wait()
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	for _, r := range reqs {
		run, cleanup, err := prepare(ctx, env, r)
		if cleanup != nil {
			undo = append(undo, cleanup)
		}
		if err != nil {
			stop()
			return func() {}, fmt.Errorf("probe of assertion %s: %w", r.Name, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(runCtx)
		}()
	}
	return stop, nil
}

// prepare readies one probe and returns how to run it and what undoes it.
func prepare(ctx context.Context, env Env, r Request) (run func(context.Context), cleanup func(), err error) {
	p := r.Probe
	switch {
	case p.Deployment != nil:
		return prepareDeployment(ctx, env, r)
	case p.HTTP != nil:
		return prepareHTTP(ctx, env, r.Name, *p.HTTP)
	case p.DNS != nil:
		return prepareDNS(ctx, env, r.Name, *p.DNS)
	case p.Metric != nil:
		return prepareMetric(ctx, env, r.Name, *p.Metric)
	case p.Log != nil:
		lp, since := *p.Log, time.Now()
		env.Step("following the logs of %s for %s", lp.Workload, r.Name)
		return func(ctx context.Context) { Logs(ctx, env, r.Name, lp, since) }, nil, nil
	case p.Apply != nil:
		return prepareApply(ctx, env, r)
	}
	return nil, nil, fmt.Errorf("the assertion asked for no probe")
}

func prepareDeployment(ctx context.Context, env Env, r Request) (func(context.Context), func(), error) {
	d := *r.Probe.Deployment
	cleanup := func() {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := Delete(cctx, env.Client, d); err != nil {
			env.Log.Warn("probe deployment not deleted", "assertion", r.Name, "err", err)
		}
	}
	var hosts []string
	if d.Node != "" {
		nodes, err := env.Cluster.Select(d.Node, "")
		if err != nil {
			return nil, nil, err
		}
		for _, n := range nodes {
			hosts = append(hosts, n.Name())
		}
	}
	if err := Create(ctx, env.Client, d, hosts...); err != nil {
		return nil, cleanup, err
	}
	return func(ctx context.Context) {
		if err := ScaleAt(ctx, env.Client, env.Timeline, r.Name, r.From, d, env.Timeout); err != nil {
			if ctx.Err() == nil {
				env.Log.Warn("probe not started", "assertion", r.Name, "err", err)
			}
			return
		}
		env.Step("probe %s: scaled %s/%s to %d", r.Name, d.Namespace, d.Name, d.Replicas)
	}, cleanup, nil
}

func prepareHTTP(ctx context.Context, env Env, name string, p assertions.HTTPProbe) (func(context.Context), func(), error) {
	url, err := URL(ctx, env.Client, env.Cluster, p)
	if err != nil {
		return nil, nil, err
	}
	if p.Sender.IsHost() {
		env.Step("probing data plane %s from the host every %s for %s", url, p.Interval, name)
		return func(ctx context.Context) { HTTP(ctx, env.Timeline, name, url, p.Interval) }, nil, nil
	}
	sd, err := newSender(ctx, env, p.Sender)
	if err != nil {
		return nil, nil, err
	}
	env.Step("probing data plane %s from %s every %s for %s", url, p.Sender, p.Interval, name)
	return func(ctx context.Context) { HTTPFrom(ctx, env.Timeline, name, url, sd, p.Interval) }, nil, nil
}

func prepareDNS(ctx context.Context, env Env, name string, p assertions.DNSProbe) (func(context.Context), func(), error) {
	server := p.Server
	if server == "" {
		var err error
		if server, err = ClusterDNS(ctx, env.Client); err != nil {
			return nil, nil, err
		}
	}
	sd, err := newSender(ctx, env, p.Sender)
	if err != nil {
		return nil, nil, err
	}
	env.Step("asking %s for %s from %s every %s for %s", server, p.Name, p.Sender, p.Interval, name)
	return func(ctx context.Context) { DNS(ctx, env.Timeline, name, server, p, sd) }, nil, nil
}

func prepareMetric(ctx context.Context, env Env, name string, p assertions.MetricProbe) (func(context.Context), func(), error) {
	var scrape scraper
	var cleanup func()
	switch {
	case p.PrometheusURL != "":
		scrape = prometheusScraper(p)
	case p.Pod != nil:
		scrape = podScraper(env, p)
	default:
		var token *tokenSource
		if assertions.ComponentEndpoints[p.Component].Scheme == "https" {
			undo, err := ensureMonitoring(ctx, env.Client)
			if err != nil {
				return nil, nil, err
			}
			cleanup = func() {
				cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if err := undo(cctx); err != nil {
					env.Log.Warn("metrics ServiceAccount not deleted", "assertion", name, "err", err)
				}
			}
			token = &tokenSource{client: env.Client}
			if _, err := token.get(ctx); err != nil {
				return nil, cleanup, err
			}
		}
		var err error
		if scrape, err = componentScraper(env, p, token); err != nil {
			return nil, cleanup, err
		}
	}
	env.Step("scraping %s every %s for %s", p.Metric+p.Query, p.Interval, name)
	return func(ctx context.Context) { Metrics(ctx, env.Timeline, name, p, scrape) }, cleanup, nil
}

func prepareApply(ctx context.Context, env Env, r Request) (func(context.Context), func(), error) {
	p := *r.Probe.Apply
	a, err := newApplier(ctx, env, p)
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := a.delete(cctx); err != nil {
			env.Log.Warn("applied object not deleted", "assertion", r.Name, "err", err)
		}
	}
	return func(ctx context.Context) {
		if err := a.applyAt(ctx, r.Name, r.From, env.Timeout); err != nil {
			if ctx.Err() == nil {
				env.Log.Warn("object not applied", "assertion", r.Name, "err", err)
			}
			return
		}
		env.Step("probe %s: applied %s %s", r.Name, p.GVK.Kind, p.Name)
	}, cleanup, nil
}
