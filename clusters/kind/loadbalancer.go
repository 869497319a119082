package kind

import (
	"context"
	"fmt"
	"os/exec"
)

// LoadBalancerImage is the image kind v0.33.0 runs in front of the
// apiservers of a cluster with several control-plane nodes (its
// pkg/cluster/internal/loadbalancer.Image, an internal constant; a unit test
// reads kind's source to keep the two equal). It cannot be pulled without a
// registry: `make lb-image` builds an image under this name from Debian's
// haproxy (hack/lb-image), labelled dev.harness.load-balancer=haproxy.
const LoadBalancerImage = "docker.io/envoyproxy/envoy:v1.36.2"

// loadBalancerRole is the role kind gives its load balancer container.
const loadBalancerRole = "external-load-balancer"

// ensureLoadBalancerImage fails with how to build the load balancer image
// when a cluster needs one (several control planes) and the host has none.
func ensureLoadBalancerImage(ctx context.Context, controlPlanes int) error {
	if controlPlanes <= 1 {
		return nil
	}
	if exec.CommandContext(ctx, "docker", "image", "inspect", "--", LoadBalancerImage).Run() == nil {
		return nil
	}
	return fmt.Errorf("a cluster with %d control-plane nodes needs kind's load balancer image %s, which is not on this host "+
		"and cannot be pulled without a registry; build it from Debian's haproxy with `make lb-image` (hack/lb-image/build.sh)",
		controlPlanes, LoadBalancerImage)
}
