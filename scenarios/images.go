package scenarios

import (
	"fmt"

	"github.com/distribution/reference"
)

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
