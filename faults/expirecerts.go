package faults

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/harness-dev/harness/clusters"
)

// ExpireCertsParams are the parameters of the expire-certs fault.
type ExpireCertsParams struct {
	Certs      []string      `yaml:"certs" doc:"kubeadm certificates to expire: apiserver, apiserver-kubelet-client, apiserver-etcd-client, front-proxy-client, etcd-server, etcd-peer, etcd-healthcheck-client"`
	Restart    bool          `yaml:"restart" doc:"kill the static pods that load them (kube-apiserver, etcd) after replacing, and again after the revert, so they load them now"`
	ExpiredFor time.Duration `yaml:"expiredFor" doc:"how long ago the replacements expired (default 24h)"`
}

// pkiCert is a kubeadm certificate: its file, its CA's files, and the
// static pod that loads it.
type pkiCert struct{ path, ca, user string }

const pkiDir = "/etc/kubernetes/pki/"

var pkiCerts = map[string]pkiCert{
	"apiserver":                {"apiserver.crt", "ca", "kube-apiserver"},
	"apiserver-kubelet-client": {"apiserver-kubelet-client.crt", "ca", "kube-apiserver"},
	"apiserver-etcd-client":    {"apiserver-etcd-client.crt", "etcd/ca", "kube-apiserver"},
	"front-proxy-client":       {"front-proxy-client.crt", "front-proxy-ca", "kube-apiserver"},
	"etcd-server":              {"etcd/server.crt", "etcd/ca", "etcd"},
	"etcd-peer":                {"etcd/peer.crt", "etcd/ca", "etcd"},
	"etcd-healthcheck-client":  {"etcd/healthcheck-client.crt", "etcd/ca", "etcd"},
}

var expireCertsSpec = Spec{
	Type: "expire-certs",
	Doc: "replace kubeadm certificates with copies that have already expired (same subject, SANs and key, signed by " +
		"the cluster's own CA; the clock is never touched); the revert puts the valid ones back",
	NeedsDuration: true,
	NewParams:     func() any { return &ExpireCertsParams{} },
	New:           newExpireCerts,
}

type expireCerts struct {
	c Common
	p ExpireCertsParams
	// writes are the expired certificates by node, resolved by Plan.
	writes []Step
	nodes  []clusters.Node
}

func certNames() []string {
	names := make([]string, 0, len(pkiCerts))
	for n := range pkiCerts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func newExpireCerts(c Common, params any) (Fault, error) {
	p := *params.(*ExpireCertsParams)
	if len(p.Certs) == 0 {
		return nil, fmt.Errorf("params.certs: missing; expected a list of %s", strings.Join(certNames(), ", "))
	}
	for _, name := range p.Certs {
		if _, ok := pkiCerts[name]; !ok {
			return nil, fmt.Errorf("params.certs: unknown certificate %q; valid: %s", name, strings.Join(certNames(), ", "))
		}
	}
	if p.ExpiredFor < 0 {
		return nil, fmt.Errorf("params.expiredFor: %s is negative; expected a duration such as 24h", p.ExpiredFor)
	}
	if p.ExpiredFor == 0 {
		p.ExpiredFor = 24 * time.Hour
	}
	if c.Target.Component != "" || c.Target.Selector != "" || c.Target.Process != "" {
		return nil, fmt.Errorf("target: expire-certs takes node (default control-plane); the certificates go in params.certs")
	}
	return &expireCerts{c: c, p: p}, nil
}

// users are the static pods to restart, in a stable order.
func (f *expireCerts) users() []string {
	var out []string
	for _, name := range f.p.Certs {
		if u := pkiCerts[name].user; !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out
}

// Plan reads each certificate and its CA, builds the expired copies, and
// returns a revert that writes the originals back.
func (f *expireCerts) Plan(ctx context.Context, env Env) (Revert, error) {
	nodes, err := f.c.Target.Nodes(env.Cluster, "control-plane")
	if err != nil {
		return Revert{}, err
	}
	f.nodes, f.writes = nodes, nil
	rev := Revert{Fault: f.c.Name, Type: expireCertsSpec.Type}
	for _, n := range nodes {
		for _, name := range f.p.Certs {
			orig, expired, err := f.expire(ctx, n, pkiCerts[name])
			if err != nil {
				return Revert{}, fmt.Errorf("certificate %s on %s: %w", name, n.Name(), err)
			}
			path := pkiDir + pkiCerts[name].path
			f.writes = append(f.writes, Step{Node: n.Name(), Argv: []string{"sh", "-c", writeFileScript(path)}, Stdin: expired})
			rev.Steps = append(rev.Steps, Step{Node: n.Name(), Argv: []string{"sh", "-c", writeFileScript(path)}, Stdin: orig})
		}
		if f.p.Restart {
			rev.Steps = append(rev.Steps, f.restartSteps(n)...)
		}
	}
	return rev, nil
}

func (f *expireCerts) expire(ctx context.Context, n clusters.Node, c pkiCert) (orig, expired []byte, err error) {
	read := func(path string) ([]byte, error) { return n.Exec(ctx, nil, "cat", pkiDir+path) }
	if orig, err = read(c.path); err != nil {
		return nil, nil, err
	}
	caCert, err := read(c.ca + ".crt")
	if err != nil {
		return nil, nil, err
	}
	caKey, err := read(c.ca + ".key")
	if err != nil {
		return nil, nil, err
	}
	expired, err = expiredCopy(orig, caCert, caKey, time.Now(), f.p.ExpiredFor)
	return orig, expired, err
}

// writeFileScript replaces path atomically with stdin.
func writeFileScript(path string) string {
	return fmt.Sprintf("cat > %s.harness && mv -f %s.harness %s", path, path, path)
}

// restartSteps kill the static pods that load the certificates; the
// kubelet starts them again. A component not running needs nothing.
func (f *expireCerts) restartSteps(n clusters.Node) []Step {
	var out []Step
	for _, u := range f.users() {
		script := findByNameScript(u, "") + `[ -z "$pids" ] || kill -s KILL $pids; true`
		out = append(out, Step{Node: n.Name(), Argv: []string{"sh", "-c", script}})
	}
	return out
}

// Inject writes the expired certificates, then restarts their users if
// asked.
func (f *expireCerts) Inject(ctx context.Context, env Env) error {
	steps := f.writes
	if f.p.Restart {
		for _, n := range f.nodes {
			steps = append(slices.Clone(steps), f.restartSteps(n)...)
		}
	}
	for _, s := range steps {
		n := findNode(env.Cluster, s.Node)
		if n == nil {
			return fmt.Errorf("expire-certs: node %s is gone", s.Node)
		}
		if _, err := n.Exec(ctx, bytes.NewReader(s.Stdin), s.Argv...); err != nil {
			return fmt.Errorf("expire-certs: %w", err)
		}
	}
	return nil
}
