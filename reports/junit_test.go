package reports

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/harness-dev/harness/assertions"
)

func TestJUnitGolden(t *testing.T) {
	t.Parallel()
	for name, r := range fixtures() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := WriteJUnit(&buf, []*Run{r}); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".junit.golden", buf.Bytes())
		})
	}
}

// parsed is JUnit as a CI system reads it, independent of the writer's
// types.
type parsed struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Cases    []parsedCase `xml:"testcase"`
	} `xml:"testsuite"`
}

type parsedCase struct {
	Name    string   `xml:"name,attr"`
	Failure *message `xml:"failure"`
	Error   *message `xml:"error"`
	Skipped *message `xml:"skipped"`
}

// Body is the text of the case's error or failure.
func (c parsedCase) Body() string {
	switch {
	case c.Error != nil:
		return c.Error.Body
	case c.Failure != nil:
		return c.Failure.Body
	}
	return ""
}

type message struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

func TestJUnitParsesWithCounts(t *testing.T) {
	t.Parallel()
	f := fixtures()
	pending := run("pending")
	pending.Assertions = []Assertion{leasePassed, leasePending}
	noAssertions := run("cluster-broken")
	noAssertions.Error = &RunError{Phase: "cluster", Message: "kind create cluster: exit status 1"}
	for _, tc := range []struct {
		name                             string
		runs                             []*Run
		tests, failures, errors, skipped int
	}{
		{"none", nil, 0, 0, 0, 0},
		{"passing", []*Run{f["passing"]}, 2, 0, 0, 0},
		{"failing", []*Run{f["failing"]}, 2, 1, 0, 0},
		{"erroring", []*Run{f["erroring"]}, 3, 0, 1, 2},
		{"pending at the end fails", []*Run{pending}, 2, 1, 0, 0},
		{"error before any assertion", []*Run{noAssertions}, 1, 0, 1, 0},
		{"all", []*Run{f["passing"], f["failing"], f["erroring"]}, 7, 1, 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := WriteJUnit(&buf, tc.runs); err != nil {
				t.Fatal(err)
			}
			var got parsed
			if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("JUnit does not parse: %v\n%s", err, buf.String())
			}
			if got.Tests != tc.tests || got.Failures != tc.failures || got.Errors != tc.errors || got.Skipped != tc.skipped {
				t.Fatalf("tests=%d failures=%d errors=%d skipped=%d; want %d %d %d %d", got.Tests, got.Failures,
					got.Errors, got.Skipped, tc.tests, tc.failures, tc.errors, tc.skipped)
			}
			if len(got.Suites) != len(tc.runs) {
				t.Fatalf("%d testsuites, want %d", len(got.Suites), len(tc.runs))
			}
			checkSuiteCounts(t, got)
		})
	}
}

// checkSuiteCounts checks each suite's attributes against its testcases.
func checkSuiteCounts(t *testing.T, got parsed) {
	t.Helper()
	for _, s := range got.Suites {
		var failures, errors, skipped int
		for _, c := range s.Cases {
			failures += btoi(c.Failure != nil)
			errors += btoi(c.Error != nil)
			skipped += btoi(c.Skipped != nil)
		}
		if s.Tests != len(s.Cases) || s.Failures != failures || s.Errors != errors || s.Skipped != skipped {
			t.Errorf("suite %s: attributes %d/%d/%d/%d, testcases %d/%d/%d/%d", s.Name,
				s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), failures, errors, skipped)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestJUnitMessages(t *testing.T) {
	t.Parallel()
	f := fixtures()
	for _, tc := range []struct {
		name    string
		run     *Run
		pick    func(p parsed) *message
		typ     string
		message []string
		body    []string
	}{
		{"failure names lease, SLO and measured", f["failing"], func(p parsed) *message { return p.Suites[0].Cases[0].Failure },
			"SLO", []string{"lease " + kcmLease + " not held within 1m0s", "[SLO 60s, measured: n/a]"},
			[]string{"fault windows:", "apiserver unreachable", `held by "cp_2"`}},
		{"run error", f["erroring"], func(p parsed) *message { return p.Suites[0].Cases[0].Error },
			"RunError", []string{"steady state does not hold"}, []string{"steady state:\n  kcm-leads (leaseHeld): failed:"}},
		{"not evaluated", f["erroring"], func(p parsed) *message { return p.Suites[0].Cases[1].Skipped },
			"", []string{"not evaluated: run error in phase steady-state"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := WriteJUnit(&buf, []*Run{tc.run}); err != nil {
				t.Fatal(err)
			}
			var p parsed
			if err := xml.Unmarshal(buf.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			m := tc.pick(p)
			if m == nil || m.Type != tc.typ {
				t.Fatalf("got %+v, want type %q", m, tc.typ)
			}
			contains(t, "message", m.Message, tc.message)
			contains(t, "body", m.Body, tc.body)
		})
	}
}

func contains(t *testing.T, what, got string, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func TestSloNote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a    Assertion
		want string
	}{
		{leasePassed, "[SLO 60s, measured 16.8s]"},
		{leaseFailed, "[SLO 60s, measured: n/a]"},
		{verdict("x", "t", assertions.Passed, 1500*ms, 1234*ms, ""), "[SLO 1.5s, measured 1.234s]"},
	} {
		if got := sloNote(tc.a); got != tc.want {
			t.Errorf("sloNote(%s) = %q, want %q", tc.a.Message, got, tc.want)
		}
	}
}

// TestJUnitHostileText: kind and kubectl output in messages (colours,
// control characters, "]]>", invalid UTF-8) still makes XML that parses.
func TestJUnitHostileText(t *testing.T) {
	t.Parallel()
	for name, msg := range map[string]string{
		"ansi":         "\x1b[31mERROR:\x1b[0m failed to create cluster",
		"control":      "exit status 1\x00\x07\x1b",
		"cdata end":    "a]]>b <c> & \"d\"",
		"invalid utf8": "bad \xff\xfe bytes",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := run("hostile")
			r.Error = &RunError{Phase: "cluster", Message: msg}
			r.Assertions = []Assertion{verdict("a", "leaseHeld", assertions.Failed, sec, 0, msg)}
			r.Timeline[0].Note = msg
			var buf bytes.Buffer
			if err := WriteJUnit(&buf, []*Run{r}); err != nil {
				t.Fatal(err)
			}
			var p parsed
			if err := xml.Unmarshal(buf.Bytes(), &p); err != nil {
				t.Fatalf("JUnit does not parse: %v\n%q", err, buf.String())
			}
			if p.Errors != 1 || p.Failures != 1 || strings.Contains(p.Suites[0].Cases[0].Body(), "\x1b") {
				t.Fatalf("errors=%d failures=%d body %q", p.Errors, p.Failures, p.Suites[0].Cases[0].Body())
			}
		})
	}
}
