package reports

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chromium returns the path of Debian's chromium. Without it the test fails
// (`make test` installs it) unless the run asked for -short.
func chromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err == nil {
		return path
	}
	if testing.Short() {
		t.Skip("-short: the HTML report check needs chromium")
	}
	t.Fatal("chromium not found: install it with `apt-get install chromium` (`make tools` and `make test` do)")
	return ""
}

// headless runs chromium headless on file with extra flags and returns its
// stdout and stderr (where the page's console goes).
func headless(t *testing.T, file string, flags ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--enable-logging=stderr", "--v=0", "--user-data-dir=" + t.TempDir()}, flags...)
	cmd := exec.CommandContext(ctx, chromium(t), append(args, "file://"+file)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(flags, " "), err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

var (
	renderedAttr = regexp.MustCompile(`data-rendered="(\d+)"`)
	consoleLine  = regexp.MustCompile(`(?m)^.*:(INFO|WARNING|ERROR):CONSOLE[:(][^\]]*\] "(.*)", source: .*$`)
	// consoleProblem: uncaught exceptions, failed loads, the page's own
	// "harness report error", and anything else that says error.
	consoleProblem = regexp.MustCompile(`(?i)uncaught|error|failed|refused`)
)

// TestHTMLInChromium loads the report of a passing, a failing and an
// erroring run in a real headless browser: the page logs no console error,
// the script draws every item of the chart, and a screenshot is kept
// (in $HARNESS_ARTIFACTS when set, for CI).
func TestHTMLInChromium(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, r := range fixtures() {
		file := filepath.Join(dir, name+".html")
		var buf bytes.Buffer
		if err := WriteHTML(&buf, r, "../"); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		dom, logs := headless(t, file, "--dump-dom")
		var console []string
		for _, m := range consoleLine.FindAllStringSubmatch(logs, -1) {
			line := m[0]
			console = append(console, line)
			// Chromium logs every console level as INFO: judge the text.
			if consoleProblem.MatchString(m[2]) {
				t.Errorf("%s: console error: %s", name, line)
			}
		}
		if !strings.Contains(strings.Join(console, "\n"), "harness report: chart drawn") {
			t.Errorf("%s: the chart script did not report drawing; console:\n%s", name, strings.Join(console, "\n"))
		}
		want := items(NewChart(r))
		m := renderedAttr.FindStringSubmatch(dom)
		if m == nil || m[1] != strconv.Itoa(want) || strings.Count(dom, `class="item `) != want {
			t.Errorf("%s: chart drew %v (%d shapes), want %d items", name, m, strings.Count(dom, `class="item `), want)
		}
	}
	shots := os.Getenv("HARNESS_ARTIFACTS")
	if shots == "" {
		shots = dir
	}
	shot := filepath.Join(shots, "report-failing.png")
	headless(t, filepath.Join(dir, "failing.html"), "--window-size=1280,1100", "--screenshot="+shot)
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Fatalf("screenshot %s missing or empty: %v", shot, err)
	}
	t.Logf("screenshot: %s", shot)
}
