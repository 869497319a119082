package faults

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/clusters"
)

// TestExpireKubeletClientCert: on a worker, the kubelet's client
// certificate is read through its symlink, re-signed by the CA read from a
// control-plane node (a worker has no CA key), written with its key to the
// symlink's target, and the kubelet is restarted; the revert writes the
// original file back and restarts the kubelet again.
func TestExpireKubeletClientCert(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	keyDER, _ := x509.MarshalECPrivateKey(pki.leafKey)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	current := "/var/lib/kubelet/pki/kubelet-client-2026-11-30-19-00-00.pem"
	orig := string(pki.leaf) + string(keyPEM)
	cp := &replyNode{fakeNode: fakeNode{name: "c-control-plane", role: clusters.RoleControlPlane}, replies: map[string]string{
		"cat -- /etc/kubernetes/pki/ca.crt": string(pki.caCert),
		"cat -- /etc/kubernetes/pki/ca.key": string(pki.caKey),
	}}
	worker := &replyNode{fakeNode: fakeNode{name: "c-worker", role: clusters.RoleWorker}, replies: map[string]string{
		"readlink -f -- /var/lib/kubelet/pki/kubelet-client-current.pem": current + "\n",
		"cat -- " + current: orig,
	}}
	env := Env{Cluster: &clusters.Cluster{Name: "c", Nodes: []clusters.Node{cp, worker}}}
	f, err := build(expireCertsSpec, Common{Name: "x", Target: Target{Node: "worker"}},
		&ExpireCertsParams{Certs: []string{"kubelet-client"}, Restart: true})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := f.Plan(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(rev.Steps) != 2 || string(rev.Steps[0].Stdin) != orig || rev.Steps[0].Argv[len(rev.Steps[0].Argv)-1] != current ||
		strings.Join(rev.Steps[1].Argv, " ") != "systemctl restart kubelet" {
		t.Fatalf("revert %+v; want the original file written to the symlink's target, then the kubelet restarted", rev.Steps)
	}
	if err := f.Inject(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	written := []byte(worker.stdins[0])
	cert, err := parseCert(written)
	if err != nil || !cert.NotAfter.Before(time.Now()) || cert.Subject.CommonName != "kube-apiserver" {
		t.Fatalf("injected certificate %v (%v); want an expired copy of the same subject", cert, err)
	}
	if !bytes.HasSuffix(written, keyPEM) {
		t.Fatalf("the injected file lost the kubelet's key:\n%s", written)
	}
	if last := worker.ran[len(worker.ran)-1]; strings.Join(last, " ") != "systemctl restart kubelet" {
		t.Fatalf("last command %q; want the kubelet restarted", last)
	}
}
