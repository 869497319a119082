package faults

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/harness-dev/harness/clusters"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// testPKI is a CA (RSA, PKCS#1 key as kubeadm writes it) and a leaf.
type testPKI struct {
	caCert, caKey, leaf []byte
	leafKey             *ecdsa.PrivateKey
}

// leafKeyPEM is the leaf's key as a PEM block.
func (p testPKI) leafKeyPEM() []byte {
	der, _ := x509.MarshalECPrivateKey(p.leafKey)
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubernetes"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: now.Add(-100 * time.Hour), NotAfter: now.Add(time.Hour),
		SubjectKeyId: []byte{1, 2, 3}}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kube-apiserver"},
		DNSNames: []string{"kubernetes", "localhost"}, IPAddresses: []net.IP{net.ParseIP("10.96.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	enc := func(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }
	return testPKI{caCert: enc("CERTIFICATE", caDER), caKey: enc("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(caKey)),
		leaf: enc("CERTIFICATE", leafDER), leafKey: leafKey}
}

func TestExpiredCopy(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	now := time.Now()
	out, err := expiredCopy(pki.leaf, pki.caCert, pki.caKey, now, 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := parseCert(out)
	orig, _ := parseCert(pki.leaf)
	ca, _ := parseCert(pki.caCert)
	if got.Subject.String() != orig.Subject.String() || strings.Join(got.DNSNames, ",") != "kubernetes,localhost" ||
		!got.IPAddresses[0].Equal(orig.IPAddresses[0]) || got.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth {
		t.Fatalf("subject, SANs or usages differ: %+v", got)
	}
	if !got.PublicKey.(*ecdsa.PublicKey).Equal(&pki.leafKey.PublicKey) {
		t.Fatal("the public key changed; the key file would no longer match")
	}
	if d := got.NotAfter.Sub(now.Add(-48 * time.Hour)); d < -time.Second || d > time.Second {
		t.Fatalf("NotAfter %s, want 48h ago", got.NotAfter)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	usage := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	if _, err := got.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: usage, CurrentTime: now.Add(-60 * time.Hour)}); err != nil {
		t.Fatalf("not signed by the cluster CA: %v", err)
	}
	if _, err := got.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: usage}); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("verify now: %v; want expired", err)
	}
	if _, err := expiredCopy(pki.leaf, pki.caCert, []byte("junk"), now, time.Hour); err == nil || !strings.Contains(err.Error(), "CA key") {
		t.Fatalf("junk CA key: %v", err)
	}
}

func TestExpireCertsPlan(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	n := &replyNode{fakeNode: fakeNode{name: "cp", role: "control-plane"}, replies: map[string]string{
		"cat -- /etc/kubernetes/pki/apiserver.crt": string(pki.leaf),
		"cat -- /etc/kubernetes/pki/ca.crt":        string(pki.caCert),
		"cat -- /etc/kubernetes/pki/ca.key":        string(pki.caKey),
	}}
	// The node's address is read at planning, while the apiserver's
	// certificate is still valid: with the expired one, the harness's own
	// client cannot read it for the evidence's handshake.
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "cp"},
		Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "172.18.0.9"}}}}
	env := Env{Cluster: &clusters.Cluster{Nodes: []clusters.Node{n}}, Client: fake.NewClientset(node)}
	f, err := build(expireCertsSpec, Common{Name: "x"}, &ExpireCertsParams{Certs: []string{"apiserver"}, Restart: true})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := f.Plan(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if ip := f.(*expireCerts).ips["cp"]; ip != "172.18.0.9" {
		t.Fatalf("node address at planning = %q; want 172.18.0.9", ip)
	}
	if len(rev.Steps) != 2 || !bytes.Equal(rev.Steps[0].Stdin, pki.leaf) || rev.Steps[1].Argv[len(rev.Steps[1].Argv)-1] != "kube-apiserver" {
		t.Fatalf("revert %+v; want the original certificate written back, then kube-apiserver restarted", rev.Steps)
	}
	if err := f.Inject(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	written, err := parseCert([]byte(n.stdins[0]))
	if err != nil || !written.NotAfter.Before(time.Now()) {
		t.Fatalf("injected certificate %v (%v); want an expired one", written, err)
	}
}

func TestNewExpireCertsValidates(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		p       ExpireCertsParams
		target  Target
		wantErr string
	}{
		{ExpireCertsParams{Certs: []string{"etcd-server", "front-proxy-client"}}, Target{}, ""},
		{ExpireCertsParams{}, Target{}, "params.certs: Required value"},
		{ExpireCertsParams{Certs: []string{"kubelet"}}, Target{}, `params.certs[0]: Unsupported value: "kubelet": supported values: "apiserver", "apiserver-etcd-client"`},
		{ExpireCertsParams{Certs: []string{"apiserver"}, ExpiredFor: -time.Hour}, Target{}, `params.expiredFor: Invalid value: "-1h0m0s"`},
		{ExpireCertsParams{Certs: []string{"apiserver"}}, Target{Component: "etcd"}, "target.component: Forbidden: expire-certs takes node"},
	} {
		_, err := build(expireCertsSpec, Common{Name: "x", Target: tt.target}, &tt.p)
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%+v: err = %v, want %q", tt.p, err, tt.wantErr)
		}
	}
}
