package reports

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// xmllint returns the path of xmllint. Without it the test fails (it is
// part of `make test`, which installs it) unless the run asked for -short.
func xmllint(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("xmllint")
	if err == nil {
		return path
	}
	if testing.Short() {
		t.Skip("-short: the JUnit schema check needs xmllint")
	}
	t.Fatal("xmllint not found: install it with `apt-get install libxml2-utils` (`make tools` and `make test` do)")
	return ""
}

type lintError struct{ out string }

func (e *lintError) Error() string { return e.out }

// validate checks doc against testdata/junit.xsd with xmllint.
func validate(t *testing.T, doc []byte) error {
	t.Helper()
	file := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint(t), "--noout", "--schema", "testdata/junit.xsd", file).CombinedOutput()
	if err != nil {
		return &lintError{out: string(out)}
	}
	return nil
}

// TestJUnitMatchesSchema validates the JUnit of passing, failing and
// erroring runs, and shows that the schema rejects what consumers reject.
func TestJUnitMatchesSchema(t *testing.T) {
	t.Parallel()
	for name, r := range fixtures() {
		var buf bytes.Buffer
		if err := WriteJUnit(&buf, []*Run{r}); err != nil {
			t.Fatal(err)
		}
		if err := validate(t, buf.Bytes()); err != nil {
			t.Errorf("%s: JUnit does not match the schema: %s", name, err.(*lintError).out)
		}
	}
	for name, doc := range map[string]string{
		"testcase without a name": `<testsuites><testsuite name="s" tests="1"><testcase time="1"/></testsuite></testsuites>`,
		"count that is no number": `<testsuites><testsuite name="s" tests="one"></testsuite></testsuites>`,
		"negative time":           `<testsuites><testsuite name="s" tests="1"><testcase name="c" time="-1"/></testsuite></testsuites>`,
		"unknown element":         `<testsuites><testsuite name="s" tests="1"><verdict/></testsuite></testsuites>`,
	} {
		err := validate(t, []byte(doc))
		if err == nil {
			t.Errorf("%s: the schema accepted %s", name, doc)
		} else if !strings.Contains(string(err.(*lintError).out), "fails to validate") {
			t.Errorf("%s: xmllint said %s", name, err.(*lintError).out)
		}
	}
}
