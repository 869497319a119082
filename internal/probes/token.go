package probes

import (
	"context"
	"fmt"
	"sync"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// The identity metric probes scrape control-plane components with, as a
// Prometheus server would: a ServiceAccount bound to the ClusterRole
// system:monitoring (get on /metrics and the health endpoints, which the
// components authorize with a SubjectAccessReview).
const (
	monitoringNamespace = "kube-system"
	monitoringAccount   = "harness-metrics"
	monitoringRole      = "system:monitoring"
)

// tokenSource hands out a token of the monitoring ServiceAccount (a
// TokenRequest, renewed before it expires). The token is fetched while the
// apiserver answers; a scrape during an outage uses the last one.
type tokenSource struct {
	client kubernetes.Interface

	mu      sync.Mutex
	token   string
	expires time.Time
}

// tokenLifetime is how long a requested token is valid.
const tokenLifetime = 2 * time.Hour

// ensureMonitoring creates the ServiceAccount and its ClusterRoleBinding
// (existing ones are kept) and returns how to delete them.
func ensureMonitoring(ctx context.Context, client kubernetes.Interface) (undo func(context.Context) error, err error) {
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: monitoringAccount, Namespace: monitoringNamespace,
		Labels: map[string]string{"app.kubernetes.io/managed-by": "harness"}}}
	if _, err := client.CoreV1().ServiceAccounts(monitoringNamespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("create ServiceAccount %s/%s for scraping metrics: %w", monitoringNamespace, monitoringAccount, err)
	}
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: monitoringAccount, Labels: sa.Labels},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: monitoringRole},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: monitoringAccount, Namespace: monitoringNamespace}},
	}
	if _, err := client.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("bind ServiceAccount %s/%s to ClusterRole %s: %w", monitoringNamespace, monitoringAccount, monitoringRole, err)
	}
	return func(ctx context.Context) error {
		err1 := client.RbacV1().ClusterRoleBindings().Delete(ctx, monitoringAccount, metav1.DeleteOptions{})
		err2 := client.CoreV1().ServiceAccounts(monitoringNamespace).Delete(ctx, monitoringAccount, metav1.DeleteOptions{})
		for _, err := range []error{err1, err2} {
			if err != nil && !apierrors.IsNotFound(err) {
				return err
			}
		}
		return nil
	}, nil
}

// get returns a valid token, requesting a new one when the last expires
// within a quarter of its lifetime.
func (t *tokenSource) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && time.Until(t.expires) > tokenLifetime/4 {
		return t.token, nil
	}
	secs := int64(tokenLifetime / time.Second)
	tr, err := t.client.CoreV1().ServiceAccounts(monitoringNamespace).CreateToken(ctx, monitoringAccount,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &secs}}, metav1.CreateOptions{})
	if err != nil {
		if t.token != "" && time.Now().Before(t.expires) {
			return t.token, nil
		}
		return "", fmt.Errorf("request a token of ServiceAccount %s/%s: %w", monitoringNamespace, monitoringAccount, err)
	}
	t.token, t.expires = tr.Status.Token, tr.Status.ExpirationTimestamp.Time
	return t.token, nil
}
