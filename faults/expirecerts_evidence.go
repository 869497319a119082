package faults

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// servingPorts are the ports where kubeadm's serving certificates are
// presented (kube-apiserver's secure port, etcd's client and peer ports).
var servingPorts = map[string]string{"apiserver": "6443", "etcd-server": "2379", "etcd-peer": "2380"}

// userPIDs lists the PIDs of the static pods that load the certificates,
// by node and user.
func (f *expireCerts) userPIDs(ctx context.Context, env Env) (map[string][]string, error) {
	out := map[string][]string{}
	for _, n := range f.nodes {
		for _, u := range f.users() {
			res, err := n.Exec(ctx, nil, script(findByNameFn+`find_by_name "$1"; echo $pids`, u)...)
			if err != nil {
				return nil, err
			}
			out[n.Name()+"/"+u] = pidsOf(res)
		}
	}
	return out, nil
}

// Evidence: a TLS handshake with each serving certificate's port presents
// an expired certificate; each client certificate's user (kube-apiserver,
// etcd) runs a process started after the replacement, so it loaded it.
// Without restart, a component that never re-reads its certificate shows
// neither: the fault then did nothing.
func (f *expireCerts) Evidence(ctx context.Context, env Env) Evidence {
	return poll(ctx, func() (Evidence, bool) {
		var seen []string
		for _, n := range f.nodes {
			ip, ok := f.ips[n.Name()]
			if !ok && f.serves() {
				var err error
				if ip, err = nodeIP(ctx, env, n.Name()); err != nil {
					return missing("address of node %s: %v", n.Name(), err), false
				}
			}
			for _, name := range f.p.Certs {
				ev := f.certEvidence(ctx, env, n.Name(), ip, name)
				if !ev.Took {
					return ev, false
				}
				seen = append(seen, ev.Observed)
			}
		}
		return took("%s", strings.Join(seen, "; ")), true
	})
}

func (f *expireCerts) certEvidence(ctx context.Context, env Env, node, ip, name string) Evidence {
	if port, ok := servingPorts[name]; ok {
		notAfter, err := servedNotAfter(ctx, net.JoinHostPort(ip, port))
		switch {
		case err != nil:
			return missing("%s on %s: no TLS handshake with %s:%s (%v)", name, node, ip, port, err)
		case notAfter.After(time.Now()):
			return missing("%s on %s: %s:%s presents a valid certificate (NotAfter %s), not the expired one",
				name, node, ip, port, notAfter.UTC().Format(time.RFC3339))
		}
		return took("%s on %s: %s:%s presents a certificate that expired at %s", name, node, ip, port, notAfter.UTC().Format(time.RFC3339))
	}
	user := pkiCerts[name].user
	now, err := f.userPIDs(ctx, env)
	if err != nil {
		return missing("%s on %s: processes of %s not read: %v", name, node, user, err)
	}
	key := node + "/" + user
	var fresh []string
	for _, pid := range now[key] {
		if !slices.Contains(f.before[key], pid) {
			fresh = append(fresh, pid)
		}
	}
	if len(fresh) == 0 {
		return missing("%s on %s: %s still runs the process started before the replacement (PIDs %s); nothing re-read the certificate",
			name, node, user, strings.Join(now[key], " "))
	}
	return took("%s on %s: %s runs processes started after the replacement (PIDs %s)", name, node, user, strings.Join(fresh, " "))
}

// servedNotAfter makes a TLS handshake with addr and returns the NotAfter
// of the certificate it presents.
func servedNotAfter(ctx context.Context, addr string) (time.Time, error) {
	d := tls.Dialer{Config: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // it reads the certificate, it trusts nothing
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := d.DialContext(cctx, "tcp", addr)
	if err != nil {
		return time.Time{}, err
	}
	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return time.Time{}, fmt.Errorf("no certificate presented")
	}
	return certs[0].NotAfter, nil
}

// serves reports whether a serving certificate is among the fault's.
func (f *expireCerts) serves() bool {
	return slices.ContainsFunc(f.p.Certs, func(c string) bool { _, ok := servingPorts[c]; return ok })
}

// servingAddresses reads the addresses of the fault's nodes when it
// expires a serving certificate (its evidence is a handshake with them);
// a node whose address cannot be read now is read again at the evidence.
func (f *expireCerts) servingAddresses(ctx context.Context, env Env) map[string]string {
	ips := map[string]string{}
	if !f.serves() || env.Client == nil {
		return ips
	}
	for _, n := range f.nodes {
		if ip, err := nodeIP(ctx, env, n.Name()); err == nil {
			ips[n.Name()] = ip
		}
	}
	return ips
}

// nodeIP is a node's InternalIP, as its kubelet registered it.
func nodeIP(ctx context.Context, env Env, node string) (string, error) {
	n, err := env.Client.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
	if err != nil {
		return "", err
	}
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address, nil
		}
	}
	return "", fmt.Errorf("node %s has no InternalIP", node)
}
