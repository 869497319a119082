package kind

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
)

// versionLabel is the label `make node-image` puts on the offline image:
// the Kubernetes release it holds.
const versionLabel = "dev.harness.kubernetes-version"

// OfflineImage is the node image `make node-image KUBERNETES_VERSION=v` (or
// hack/node-image/build.sh --kubernetes-version v) builds.
func OfflineImage(version string) string { return "harness.dev/kind-node:" + version }

var (
	tagVersionRE = regexp.MustCompile(`:(v\d+\.\d+\.\d+)(@.*)?$`)
	versionRE    = regexp.MustCompile(`^v1\.\d+\.\d+$`)
)

// IsVersion reports whether v names a Kubernetes release as the node
// images do (v1.35.4).
func IsVersion(v string) bool { return versionRE.MatchString(v) }

// ImageVersion is the Kubernetes release an image reference says it holds
// in its tag (kindest/node:v1.35.4), or "".
func ImageVersion(image string) string {
	if m := tagVersionRE.FindStringSubmatch(image); m != nil {
		return m[1]
	}
	return ""
}

// NodeImageFor chooses the node image of a cluster: image when given (an
// error when it holds another release than version, by its tag or the
// offline image's label); else, for version (default
// DefaultKubernetesVersion), the offline image when it is on the host, or
// kind's stock image.
func NodeImageFor(ctx context.Context, image, version string) (string, error) {
	return chooseNodeImage(image, version, func(img string) localImage { return inspectLocal(ctx, img) })
}

// localImage is what the host's Docker says of an image.
type localImage struct {
	present bool
	// version is the offline image's dev.harness.kubernetes-version label.
	version string
}

// chooseNodeImage is NodeImageFor with the host's images behind local.
func chooseNodeImage(image, version string, local func(string) localImage) (string, error) {
	if version != "" && !IsVersion(version) {
		return "", fmt.Errorf("kubernetes version %q not valid; expected a release such as %s", version, DefaultKubernetesVersion)
	}
	if image != "" {
		if version == "" {
			return image, nil
		}
		has := ImageVersion(image)
		if label := local(image).version; label != "" {
			has = label
		}
		if has != "" && has != version {
			return "", fmt.Errorf("node image %s holds Kubernetes %s, but the run asks for kubernetesVersion %s; "+
				"drop --node-image, or build the image of %s with `make node-image KUBERNETES_VERSION=%s`", image, has, version, version, version)
		}
		return image, nil
	}
	if version == "" {
		version = DefaultKubernetesVersion
	}
	if offline := OfflineImage(version); local(offline).present {
		return offline, nil
	}
	return "kindest/node:" + version, nil
}

func inspectLocal(ctx context.Context, image string) localImage {
	if exec.CommandContext(ctx, "docker", "image", "inspect", "--", image).Run() != nil {
		return localImage{}
	}
	return localImage{present: true, version: imageLabel(ctx, image, versionLabel)}
}

// imageLabel is a label of a local image, or "".
func imageLabel(ctx context.Context, image, label string) string {
	out, err := exec.CommandContext(ctx, "docker", "image", "inspect", "--format",
		fmt.Sprintf("{{index .Config.Labels %q}}", label), "--", image).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
