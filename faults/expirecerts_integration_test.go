package faults_test

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/harness-dev/harness/faults"
)

// handshake dials the apiserver of the kubeconfig with TLS, trusting only
// the cluster's CA, and returns the handshake's error.
func handshake(t testing.TB, env faults.Env) error {
	t.Helper()
	cfg, err := clientcmd.RESTConfigFromKubeConfig(env.Cluster.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(cfg.Host)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(cfg.CAData) {
		t.Fatal("no CA in the kubeconfig")
	}
	host, _, _ := net.SplitHostPort(u.Host)
	d := &net.Dialer{Timeout: 5 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", u.Host, &tls.Config{RootCAs: pool, ServerName: host})
	if err != nil {
		return err
	}
	return conn.Close()
}

// TestIntegrationExpireCerts: the apiserver serves an expired certificate
// (it reloads its serving certificate from disk), then a valid one again;
// the file is the original byte for byte.
func TestIntegrationExpireCerts(t *testing.T) {
	env := sharedEnv(t)
	g := NewWithT(t)
	sum := "sha256sum /etc/kubernetes/pki/apiserver.crt"
	before := inNode(t, env, sum)
	f := newFault(t, "expire-certs", faults.Common{}, &faults.ExpireCertsParams{Certs: []string{"apiserver"}})
	revert := inject(t, env, f)
	g.Eventually(func() error { return handshake(t, env) }).WithTimeout(2*time.Minute).WithPolling(time.Second).
		Should(MatchError(ContainSubstring("certificate has expired")), "the apiserver does not serve the expired certificate")
	tookEffect(t, env, f, "presents a certificate that expired at")
	revert()
	g.Expect(inNode(t, env, sum)).To(Equal(before), "certificate not restored byte for byte")
	g.Eventually(func() error { return handshake(t, env) }).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	revert()
	g.Expect(inNode(t, env, "ls /etc/kubernetes/pki | grep -c harness; true")).To(Equal(fmt.Sprintln(0)))
	waitHealthy(t, env)
}
