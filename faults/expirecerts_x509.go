package faults

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// expiredCopy returns a certificate like leaf (same subject, SANs, usages
// and public key, so its key file stays valid) that expired ago before now,
// signed by the CA; all in PEM.
func expiredCopy(leafPEM, caCertPEM, caKeyPEM []byte, now time.Time, ago time.Duration) ([]byte, error) {
	leaf, err := parseCert(leafPEM)
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	ca, err := parseCert(caCertPEM)
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %w", err)
	}
	key, err := parseKey(caKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("CA key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: leaf.Subject,
		DNSNames: leaf.DNSNames, IPAddresses: leaf.IPAddresses, EmailAddresses: leaf.EmailAddresses, URIs: leaf.URIs,
		KeyUsage: leaf.KeyUsage, ExtKeyUsage: leaf.ExtKeyUsage, BasicConstraintsValid: true,
		NotBefore: now.Add(-ago - 24*time.Hour), NotAfter: now.Add(-ago),
		SubjectKeyId: leaf.SubjectKeyId, AuthorityKeyId: ca.SubjectKeyId,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, leaf.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("sign the expired certificate: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// keyBlocks returns the PEM blocks of data that are not certificates (the
// key that the kubelet keeps in the same file as its certificate), or nil.
func keyBlocks(data []byte) []byte {
	var out []byte
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return out
		}
		if b.Type != "CERTIFICATE" {
			out = append(out, pem.EncodeToMemory(b)...)
		}
	}
}

func parseCert(data []byte) (*x509.Certificate, error) {
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM CERTIFICATE block")
	}
	return x509.ParseCertificate(b.Bytes)
}

// parseKey reads a PKCS#1 RSA, SEC 1 EC or PKCS#8 private key.
func parseKey(data []byte) (crypto.Signer, error) {
	b, _ := pem.Decode(data)
	if b == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not a PKCS#1, EC or PKCS#8 private key: %w", err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("key of type %T cannot sign", k)
	}
	return s, nil
}
