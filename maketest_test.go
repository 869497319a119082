package harness

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMakeTestRunsEveryIntegrationPackage: `make test` runs the unit tests
// with -short (which skips cluster tests) and the cluster tests only in the
// packages it lists, so a package with a TestIntegration* test that is not
// listed would never run in CI. Every such package must be in
// CLUSTER_TEST_PKGS or be ./test/e2e/.
func TestMakeTestRunsEveryIntegrationPackage(t *testing.T) {
	t.Parallel()
	mk, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^CLUSTER_TEST_PKGS \?= (.*)$`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("Makefile has no CLUSTER_TEST_PKGS")
	}
	listed := map[string]bool{"./test/e2e/": true}
	for _, p := range strings.Fields(string(m[1])) {
		listed[p] = true
	}
	found := 0
	err = filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !strings.Contains(string(data), "\nfunc TestIntegration") {
			return nil
		}
		found++
		if pkg := "./" + filepath.Dir(path) + "/"; !listed[pkg] {
			t.Errorf("%s has cluster tests but %s is not in the Makefile's CLUSTER_TEST_PKGS: make test would never run them", path, pkg)
		}
		return nil
	})
	if err != nil || found == 0 {
		t.Fatalf("walk: %v, %d files with cluster tests", err, found)
	}
}
