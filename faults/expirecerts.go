package faults

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/harness-dev/harness/clusters"
)

// ExpireCertsParams are the parameters of the expire-certs fault.
type ExpireCertsParams struct {
	Certs      []string      `yaml:"certs" doc:"kubeadm certificates to expire: apiserver, apiserver-kubelet-client, apiserver-etcd-client, front-proxy-client, etcd-server, etcd-peer, etcd-healthcheck-client, and kubelet-client (the kubelet's client certificate, on any node)"`
	Restart    bool          `yaml:"restart" doc:"restart what loads them (kill the static pods kube-apiserver, etcd; systemctl restart kubelet) after replacing, and again after the revert, so they load them now"`
	ExpiredFor time.Duration `yaml:"expiredFor" doc:"how long ago the replacements expired (default 24h)"`
}

// pkiCert is a kubeadm certificate: its file (under pkiDir, or absolute),
// its CA's files (under pkiDir), and the static pod (or kubelet) that
// loads it.
type pkiCert struct{ path, ca, user string }

// kubeletUser is the pkiCert.user of the kubelet's own certificate: a
// systemd service, restarted rather than killed.
const kubeletUser = "kubelet"

const pkiDir = "/etc/kubernetes/pki/"

var pkiCerts = map[string]pkiCert{
	"apiserver":                {"apiserver.crt", "ca", "kube-apiserver"},
	"apiserver-kubelet-client": {"apiserver-kubelet-client.crt", "ca", "kube-apiserver"},
	"apiserver-etcd-client":    {"apiserver-etcd-client.crt", "etcd/ca", "kube-apiserver"},
	"front-proxy-client":       {"front-proxy-client.crt", "front-proxy-ca", "kube-apiserver"},
	"etcd-server":              {"etcd/server.crt", "etcd/ca", "etcd"},
	"etcd-peer":                {"etcd/peer.crt", "etcd/ca", "etcd"},
	"etcd-healthcheck-client":  {"etcd/healthcheck-client.crt", "etcd/ca", "etcd"},
	// The kubelet's client certificate and key in one file, a symlink that
	// the kubelet's certificate manager points at its newest certificate
	// (k8s.io/client-go/util/certificate); signed by the cluster CA, whose
	// key only control-plane nodes hold.
	"kubelet-client": {"/var/lib/kubelet/pki/kubelet-client-current.pem", "ca", kubeletUser},
}

var expireCertsSpec = Spec{
	Type: "expire-certs",
	Doc: "replace kubeadm certificates with copies that have already expired (same subject, SANs and key, signed by " +
		"the cluster's own CA; the clock is never touched); the revert puts the valid ones back",
	NeedsDuration: true,
	Targets:       TargetNode,
	NewParams:     func() any { return &ExpireCertsParams{} },
	New:           newExpireCerts,
}

type expireCerts struct {
	c Common
	p ExpireCertsParams
	// writes are the expired certificates by node, resolved by Plan.
	writes []Step
	nodes  []clusters.Node
	// before are the users' PIDs before the injection, by node/user.
	before map[string][]string
	// ips are the nodes' addresses, read by Plan while the apiserver's
	// certificate is still valid (with the expired one, the harness's own
	// client cannot read them), by node name.
	ips map[string]string
}

func certNames() []string {
	names := make([]string, 0, len(pkiCerts))
	for n := range pkiCerts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func newExpireCerts(c Common, params any) (Fault, field.ErrorList) {
	p := *params.(*ExpireCertsParams)
	path := field.NewPath("params")
	if len(p.Certs) == 0 {
		return nil, field.ErrorList{field.Required(path.Child("certs"), "a list of "+strings.Join(certNames(), ", "))}
	}
	for i, name := range p.Certs {
		if _, ok := pkiCerts[name]; !ok {
			return nil, field.ErrorList{field.NotSupported(path.Child("certs").Index(i), name, certNames())}
		}
	}
	if p.ExpiredFor < 0 || p.ExpiredFor > 10*365*24*time.Hour {
		return nil, field.ErrorList{field.Invalid(path.Child("expiredFor"), p.ExpiredFor.String(), "expected a duration from 0 to 10 years, such as 24h")}
	}
	if p.ExpiredFor == 0 {
		p.ExpiredFor = 24 * time.Hour
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
	nodes, err := f.c.Target.nodes(ctx, env)
	if err != nil {
		return Revert{}, err
	}
	f.nodes, f.writes = nodes, nil
	f.ips = f.servingAddresses(ctx, env)
	rev := Revert{Fault: f.c.Name, Type: expireCertsSpec.Type}
	for _, n := range nodes {
		for _, name := range f.p.Certs {
			path, err := certPath(ctx, n, pkiCerts[name])
			if err != nil {
				return Revert{}, fmt.Errorf("certificate %s on %s: %w", name, n.Name(), err)
			}
			orig, expired, err := f.expire(ctx, env, n, path, pkiCerts[name])
			if err != nil {
				return Revert{}, fmt.Errorf("certificate %s on %s: %w", name, n.Name(), err)
			}
			f.writes = append(f.writes, Step{Node: n.Name(), Argv: script(writeFile, path), Stdin: expired})
			rev.Steps = append(rev.Steps, Step{Node: n.Name(), Argv: script(writeFile, path), Stdin: orig})
		}
		if f.p.Restart {
			rev.Steps = append(rev.Steps, f.restartSteps(n)...)
		}
	}
	return rev, nil
}

// certPath is the file to replace: a kubeadm certificate's path, or the
// file the kubelet's symlink points at (so the symlink stays one).
func certPath(ctx context.Context, n clusters.Node, c pkiCert) (string, error) {
	if !strings.HasPrefix(c.path, "/") {
		return pkiDir + c.path, nil
	}
	out, err := n.Exec(ctx, nil, "readlink", "-f", "--", c.path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func (f *expireCerts) expire(ctx context.Context, env Env, n clusters.Node, path string, c pkiCert) (orig, expired []byte, err error) {
	if orig, err = n.Exec(ctx, nil, "cat", "--", path); err != nil {
		return nil, nil, err
	}
	caNode := n
	if cp := env.Cluster.ControlPlane(); c.user == kubeletUser && cp != nil {
		caNode = cp // a worker has the CA's certificate but not its key
	}
	read := func(path string) ([]byte, error) { return caNode.Exec(ctx, nil, "cat", "--", pkiDir+path) }
	caCert, err := read(c.ca + ".crt")
	if err != nil {
		return nil, nil, err
	}
	caKey, err := read(c.ca + ".key")
	if err != nil {
		return nil, nil, err
	}
	expired, err = expiredCopy(orig, caCert, caKey, time.Now(), f.p.ExpiredFor)
	if err != nil {
		return nil, nil, err
	}
	return orig, append(expired, keyBlocks(orig)...), nil
}

// restartSteps kill the static pods that load the certificates; the
// kubelet starts them again. A component not running needs nothing.
func (f *expireCerts) restartSteps(n clusters.Node) []Step {
	var out []Step
	for _, u := range f.users() {
		if u == kubeletUser {
			out = append(out, Step{Node: n.Name(), Argv: []string{"systemctl", "restart", "kubelet"}})
			continue
		}
		out = append(out, Step{Node: n.Name(), Argv: script(signalByNameIfAny, "KILL", u)})
	}
	return out
}

// Inject writes the expired certificates, then restarts their users if
// asked.
func (f *expireCerts) Inject(ctx context.Context, env Env) error {
	var err error
	if f.before, err = f.userPIDs(ctx, env); err != nil {
		return fmt.Errorf("expire-certs: %w", err)
	}
	steps := slices.Clone(f.writes)
	if f.p.Restart {
		for _, n := range f.nodes {
			steps = append(steps, f.restartSteps(n)...)
		}
	}
	return runSteps(ctx, env.Cluster, "expire-certs", steps)
}
