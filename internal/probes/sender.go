package probes

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/clusters"
)

// place is where a probe's command runs: inside a node, and in the network
// namespace of a Pod's container when container is set.
type place struct {
	node      clusters.Node
	container string // containerd ID
	desc      string // "node NAME" or "pod NS/NAME"
}

// run runs argv at p.
func (p place) run(ctx context.Context, stdin io.Reader, argv ...string) ([]byte, error) {
	if p.container != "" {
		argv = script(inContainerNetns, append([]string{p.container}, argv...)...)
	}
	return p.node.Exec(ctx, stdin, argv...)
}

// sender finds the place of a Sender (not the host): a node now, or a
// Running Pod, looked up again every podRefresh or after a failure (the
// Pod may be replaced) while the apiserver answers.
type sender struct {
	env Env
	s   assertions.Sender

	mu      sync.Mutex
	cur     place
	checked time.Time
}

const podRefresh = 10 * time.Second

func newSender(ctx context.Context, env Env, s assertions.Sender) (*sender, error) {
	sd := &sender{env: env, s: s}
	_, err := sd.place(ctx, true)
	return sd, err
}

// place returns where to run; refresh asks for a fresh look-up of the Pod.
func (sd *sender) place(ctx context.Context, refresh bool) (place, error) {
	sd.mu.Lock()
	defer sd.mu.Unlock()
	if sd.s.Node != "" {
		if sd.cur.node == nil {
			nodes, err := sd.env.Cluster.Select(sd.s.Node, clusters.RoleControlPlane)
			if err != nil {
				return place{}, err
			}
			sd.cur = place{node: nodes[0], desc: "node " + nodes[0].Name()}
		}
		return sd.cur, nil
	}
	if !refresh && sd.cur.node != nil && time.Since(sd.checked) < podRefresh {
		return sd.cur, nil
	}
	p, err := sd.findPod(ctx)
	if err != nil {
		if sd.cur.node != nil {
			return sd.cur, nil // the apiserver may be down: try the last one
		}
		return place{}, err
	}
	sd.cur, sd.checked = p, time.Now()
	return p, nil
}

// findPod returns the first Running Pod of the Sender with a running
// container.
func (sd *sender) findPod(ctx context.Context) (place, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	pods, err := sd.env.Client.CoreV1().Pods(sd.s.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sd.s.Selector})
	if err != nil {
		return place{}, fmt.Errorf("find the probe's Pod %s in %s: %w", sd.s.Selector, sd.s.Namespace, err)
	}
	for _, p := range pods.Items {
		if p.Status.Phase != corev1.PodRunning || p.Spec.HostNetwork {
			continue
		}
		node := sd.env.Cluster.Node(p.Spec.NodeName)
		for _, cs := range p.Status.ContainerStatuses {
			_, id, ok := strings.Cut(cs.ContainerID, "://")
			if ok && cs.State.Running != nil && node != nil {
				return place{node: node, container: id, desc: "pod " + p.Namespace + "/" + p.Name}, nil
			}
		}
	}
	return place{}, fmt.Errorf("no Running Pod %s in %s (not on the host network) to send the probe from", sd.s.Selector, sd.s.Namespace)
}
