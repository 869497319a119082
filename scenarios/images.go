package scenarios

import (
	"fmt"
	"maps"
	"slices"

	"github.com/distribution/reference"
	"gopkg.in/yaml.v3"
)

// image checks an entry of setup.images: its ${NAME} placeholders name
// parameters of the scenario, and the reference it becomes with the
// parameters' defaults, and with each of a parameter's allowed values, is
// an image reference. A placeholder without a default (or a built-in one,
// known only once the cluster exists) leaves the grammar to the run, which
// checks the substituted value before any cluster or command sees it.
func (d *decoder) image(n *yaml.Node, img string, params []Parameter) {
	known := paramNames(params)
	defaults := map[string]string{}
	for _, p := range params {
		if p.Default != "" {
			defaults[p.Name] = p.Default
		}
	}
	names := placeholders(img)
	for _, name := range names {
		if !slices.Contains(known, name) {
			d.at(n, "image %q: placeholder ${%s} is not a parameter of this scenario; its parameters: %s", img, name, choices(known))
			return
		}
	}
	if len(names) == 0 {
		if err := ValidateImage(img); err != nil {
			d.at(n, "%v", err)
		}
		return
	}
	for _, p := range params {
		if !slices.Contains(names, p.Name) {
			continue
		}
		for _, v := range p.Values {
			with := maps.Clone(defaults)
			with[p.Name] = v
			if d.imageWith(n, img, names, with, fmt.Sprintf("with %s=%s", p.Name, v)) {
				return
			}
		}
	}
	d.imageWith(n, img, names, defaults, "with the parameters' defaults")
}

// imageWith reports img if, with every placeholder given a value, it is no
// image reference; it tells whether it reported.
func (d *decoder) imageWith(n *yaml.Node, img string, names []string, values map[string]string, how string) bool {
	for _, name := range names {
		if _, ok := values[name]; !ok {
			return false
		}
	}
	if err := ValidateImage(string(Expand([]byte(img), values))); err != nil {
		d.at(n, "%q %s: %v", img, how, err)
		return true
	}
	return false
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
