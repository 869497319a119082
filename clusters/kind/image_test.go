package kind

import (
	"strings"
	"testing"
)

// TestChooseNodeImage covers the choice of a node image by Kubernetes
// version without Docker and without building any image: the host's
// images are a table.
func TestChooseNodeImage(t *testing.T) {
	t.Parallel()
	host := map[string]localImage{
		"harness.dev/kind-node:v1.35.4": {present: true, version: "v1.35.4"},
		"harness.dev/kind-node:v1.36.3": {present: true, version: "v1.36.3"},
		"example/custom:latest":         {present: true, version: "v1.36.3"},
		"example/unlabelled:dev":        {present: true},
	}
	local := func(img string) localImage { return host[img] }
	tests := []struct {
		name, image, version, want, wantErr string
	}{
		{"default release, offline image present", "", "", "harness.dev/kind-node:v1.35.4", ""},
		{"second minor release, offline image present", "", "v1.36.3", "harness.dev/kind-node:v1.36.3", ""},
		{"release without an offline image: kind's stock image", "", "v1.37.2", "kindest/node:v1.37.2", ""},
		{"image alone is used as given", "example/unlabelled:dev", "", "example/unlabelled:dev", ""},
		{"image whose tag matches", "kindest/node:v1.36.3", "v1.36.3", "kindest/node:v1.36.3", ""},
		{"image whose label matches", "example/custom:latest", "v1.36.3", "example/custom:latest", ""},
		{"image without a version is trusted", "example/unlabelled:dev", "v1.37.2", "example/unlabelled:dev", ""},
		{"tag contradicts the version", "harness.dev/kind-node:v1.35.4", "v1.36.3", "", "holds Kubernetes v1.35.4, but the run asks for kubernetesVersion v1.36.3"},
		{"label contradicts the version", "example/custom:latest", "v1.35.4", "", "holds Kubernetes v1.36.3"},
		{"label wins over the tag", "harness.dev/kind-node:v1.36.3", "v1.36.3", "harness.dev/kind-node:v1.36.3", ""},
		{"invalid version", "", "1.36", "", `kubernetes version "1.36" not valid`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := chooseNodeImage(tt.image, tt.version, local)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "make node-image KUBERNETES_VERSION=") && strings.Contains(tt.wantErr, "holds") {
					t.Fatalf("error %q does not say how to build the image", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("chooseNodeImage(%q, %q) = %q, %v; want %q", tt.image, tt.version, got, err, tt.want)
			}
		})
	}
}

func TestImageVersionAndIsVersion(t *testing.T) {
	t.Parallel()
	for img, want := range map[string]string{
		"kindest/node:v1.36.3":                  "v1.36.3",
		"harness.dev/kind-node:v1.37.2":         "v1.37.2",
		"kindest/node:v1.35.4@sha256:abcd":      "v1.35.4",
		"example/custom:latest":                 "",
		"localhost:5000/node":                   "",
		"harness.dev/kind-node-issue19:v1.35.4": "v1.35.4",
	} {
		if got := ImageVersion(img); got != want {
			t.Errorf("ImageVersion(%q) = %q, want %q", img, got, want)
		}
	}
	for v, want := range map[string]bool{"v1.35.4": true, "v1.37.2": true, "1.35.4": false, "v1.35": false, "v2.0.0": false, "v1.35.4-rc.0": false} {
		if IsVersion(v) != want {
			t.Errorf("IsVersion(%q) = %v, want %v", v, !want, want)
		}
	}
}
