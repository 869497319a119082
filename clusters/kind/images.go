package kind

import (
	"context"
	"fmt"
	"os/exec"
	"strings"

	"sigs.k8s.io/kind/pkg/cluster/nodeutils"
)

// LoadImages copies images from the host's Docker image store into every
// node's containerd, with `ctr images import` (no crictl is needed).
func (p *Provider) LoadImages(ctx context.Context, name string, images []string) error {
	if len(images) == 0 {
		return nil
	}
	kindNodes, err := p.kind.ListNodes(name)
	if err != nil {
		return fmt.Errorf("nodes of kind cluster %q: %w", name, err)
	}
	for _, n := range kindNodes {
		save := exec.CommandContext(ctx, "docker", append([]string{"save", "--"}, images...)...)
		archive, err := save.StdoutPipe()
		if err != nil {
			return err
		}
		var stderr strings.Builder
		save.Stderr = &stderr
		if err := save.Start(); err != nil {
			return fmt.Errorf("docker save %s: %w", strings.Join(images, " "), err)
		}
		loadErr := nodeutils.LoadImageArchive(n, archive)
		if err := save.Wait(); err != nil {
			return fmt.Errorf("docker save %s: %w: %s", strings.Join(images, " "), err, stderr.String())
		}
		if loadErr != nil {
			return fmt.Errorf("load images into node %s: %w", n.String(), loadErr)
		}
	}
	return nil
}
