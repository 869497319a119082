package harness

import (
	"os/exec"
	"strings"
	"testing"
)

// TestArchitecture keeps the layering: the public packages (the data
// contract and the catalogues a third party builds on) import no internal
// package, and the runner drives any provider (it does not import the kind
// provider). Only the API (this package), the command and the tests use
// internal packages.
func TestArchitecture(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/harness-dev/harness"
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, mod), "/")
		public := rel != "" && !hasAnyPrefix(rel, "internal/", "cmd/", "test/", "examples/", "hack/")
		for _, imp := range imports {
			if public && strings.HasPrefix(imp, mod+"/internal/") {
				t.Errorf("public package %s imports %s: move what it needs into a public package", pkg, imp)
			}
			if rel == "internal/runner" && imp == mod+"/clusters/kind" {
				t.Errorf("the runner imports the kind provider: it must drive any clusters.Provider")
			}
		}
	}
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
