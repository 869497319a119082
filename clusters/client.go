package clusters

import (
	"fmt"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// RESTConfig returns the client configuration of a kubeconfig, tuned for
// the harness: client-go's default of 5 requests per second (burst 10)
// would delay probes, triggers and reverts by hundreds of milliseconds
// during a fault; kubectl allows 50 (burst 100), and so does the harness.
func RESTConfig(kubeconfig []byte) (*rest.Config, error) {
	cfg, err := clientcmd.RESTConfigFromKubeConfig(kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("parse kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	return cfg, nil
}

// Client returns a clientset for the cluster (RESTConfig's tuning).
func (c *Cluster) Client() (*kubernetes.Clientset, error) {
	cfg, err := RESTConfig(c.Kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", c.Name, err)
	}
	return kubernetes.NewForConfig(cfg)
}

// Dynamic returns a dynamic client for the cluster (RESTConfig's tuning).
func (c *Cluster) Dynamic() (dynamic.Interface, error) {
	cfg, err := RESTConfig(c.Kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", c.Name, err)
	}
	return dynamic.NewForConfig(cfg)
}
