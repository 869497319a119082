package runner

import (
	"context"
	"fmt"

	"github.com/harness-dev/harness/scenarios"
)

// setup loads images, applies manifests and waits for what the scenario
// names.
func (r *run) setup(ctx context.Context) error {
	s := r.sc.Setup
	facts, err := r.clusterFacts(ctx)
	if err != nil {
		return err
	}
	r.params = map[string]string{}
	for k, v := range facts {
		r.params[k] = v
	}
	for k, v := range r.o.Params {
		r.params[k] = v
	}
	if len(s.Images) > 0 {
		images := make([]string, len(s.Images))
		for i, img := range s.Images {
			images[i] = string(scenarios.Expand([]byte(img), r.params))
			if err := scenarios.ValidateImage(images[i]); err != nil {
				return fmt.Errorf("setup.images[%d] after substitution: %w", i, err)
			}
		}
		r.pr.step("loading %d images into the nodes", len(images))
		if err := r.o.Provider.LoadImages(ctx, r.env.Cluster.Name, images); err != nil {
			return err
		}
	}
	for _, m := range s.Manifests {
		r.pr.step("applying %s", m)
		if err := r.apply(ctx, m); err != nil {
			return err
		}
	}
	for _, w := range s.WaitFor {
		r.pr.step("waiting for %s %s/%s", w.Kind, w.Namespace, w.Name)
		if err := r.waitFor(ctx, w); err != nil {
			return err
		}
	}
	return nil
}
