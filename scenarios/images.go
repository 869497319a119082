package scenarios

import (
	"fmt"
	"slices"

	"github.com/distribution/reference"
	"gopkg.in/yaml.v3"
)

// image checks an entry of setup.images: its ${NAME} placeholders name
// parameters of the scenario, and the reference it becomes with their
// defaults is an image reference. A placeholder without a default (or a
// built-in one, known only once the cluster exists) leaves the grammar to
// the run, which checks the substituted value before any command sees it.
func (d *decoder) image(n *yaml.Node, img string, params []Parameter) {
	names := placeholders(img)
	defaults := map[string]string{}
	for _, p := range params {
		if p.Default != "" {
			defaults[p.Name] = p.Default
		}
	}
	known := slices.Clone(BuiltinParams)
	for _, p := range params {
		known = append(known, p.Name)
	}
	complete := true
	for _, name := range names {
		if !slices.Contains(known, name) {
			d.at(n, "image %q: placeholder ${%s} is not a parameter of this scenario; its parameters: %s", img, name, choices(known))
			return
		}
		if _, ok := defaults[name]; !ok {
			complete = false
		}
	}
	if !complete {
		return
	}
	err := ValidateImage(string(Expand([]byte(img), defaults)))
	switch {
	case err != nil && len(names) > 0:
		d.at(n, "%q with the parameters' defaults: %v", img, err)
	case err != nil:
		d.at(n, "%v", err)
	}
}

// ValidateImage checks that s is an image reference in the grammar of
// github.com/distribution/reference (the one Docker uses), such as
// example/app:v1 or registry.example.com/app@sha256:...; a value that is not
// one, such as "-o FILE", never reaches a command line.
func ValidateImage(s string) error {
	if s == "" {
		return fmt.Errorf("empty image; expected an image reference such as example/app:v1")
	}
	if _, err := reference.ParseNormalizedNamed(s); err != nil {
		return fmt.Errorf("image %q is not an image reference (%v); expected one such as example/app:v1", s, err)
	}
	return nil
}

// CheckNodeImage checks, by its tag, that a node image holds the Kubernetes
// release version asks for (empty: any): kindest/node:v1.34.0 contradicts
// kubernetesVersion v1.35.4. An image whose tag is not a release (latest,
// a digest) is not judged here; the provider reads its label when it
// creates the cluster.
func CheckNodeImage(image, version string) error {
	if version == "" {
		return nil
	}
	ref, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return nil // ValidateImage reports it
	}
	tagged, ok := ref.(reference.Tagged)
	if !ok || !versionRE.MatchString(tagged.Tag()) || tagged.Tag() == version {
		return nil
	}
	return fmt.Errorf("node image %s holds Kubernetes %s by its tag, but cluster.kubernetesVersion is %s; "+
		"expected an image of %s (or drop one of the two)", image, tagged.Tag(), version, version)
}
