// Package reports writes what a run found for CI systems (JUnit XML), for
// machines (JSON) and for people (a summary table and a timeline).
package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/harness-dev/harness/assertions"
)

// maxFailureLines bounds the timeline summary in a failure's body; the
// suite's system-out has the longer one (maxSummaryLines).
const maxFailureLines = 40

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr"`
	Properties *junitProperties `xml:"properties"`
	Cases      []junitCase      `xml:"testcase"`
	SystemOut  *cdata           `xml:"system-out"`
}

// junitProperties is a pointer field so that no empty <properties/> is
// written.
type junitProperties struct {
	List []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// cdata keeps multi-line text readable in the XML file.
type cdata struct {
	Text string `xml:",cdata"`
}

type junitCase struct {
	Name       string           `xml:"name,attr"`
	Classname  string           `xml:"classname,attr"`
	Time       string           `xml:"time,attr"`
	Properties *junitProperties `xml:"properties"`
	Failure    *junitMessage    `xml:"failure"`
	Error      *junitMessage    `xml:"error"`
	Skipped    *junitMessage    `xml:"skipped"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"`
}

// WriteJUnit writes runs as JUnit XML: one testsuite per run, one testcase
// per assertion, and one more testcase, named after the phase, with an
// <error> when the run could not be judged.
func WriteJUnit(w io.Writer, runs []*Run) error {
	out := junitSuites{Name: "harness"}
	var total time.Duration
	for _, r := range runs {
		s := suite(r)
		out.Suites = append(out.Suites, s)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
		total += r.Duration
	}
	out.Time = secs(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func suite(r *Run) junitSuite {
	s := junitSuite{
		Name:       r.Scenario,
		Time:       secs(r.Duration),
		Timestamp:  r.Started.UTC().Format("2006-01-02T15:04:05"),
		Properties: suiteProperties(r),
		Cases:      testcases(r),
		SystemOut:  &cdata{xmlText(TimelineSummary(r, maxSummaryLines))},
	}
	s.Tests = len(s.Cases)
	for _, c := range s.Cases {
		switch {
		case c.Error != nil:
			s.Errors++
		case c.Failure != nil:
			s.Failures++
		case c.Skipped != nil:
			s.Skipped++
		}
	}
	return s
}

func suiteProperties(r *Run) *junitProperties {
	p := props("seed", strconv.FormatInt(r.Seed, 10), "runID", r.RunID, "file", r.File,
		"cluster", r.Cluster.Name, "provider", r.Cluster.Provider, "nodeImage", r.Cluster.NodeImage,
		"kubernetesVersion", r.Cluster.KubernetesVersion)
	for _, k := range slices.Sorted(maps.Keys(r.Parameters)) {
		p.List = append(p.List, junitProperty{"param." + k, r.Parameters[k]})
	}
	for _, f := range r.Faults {
		p.List = append(p.List, junitProperty{"fault", f.Name + "=" + faultLine(f)})
	}
	return p
}

func testcases(r *Run) []junitCase {
	class := "harness." + r.Scenario
	var out []junitCase
	if r.Error != nil {
		out = append(out, errorCase(class, r))
	}
	for _, a := range r.Assertions {
		out = append(out, assertionCase(class, a, r))
	}
	return out
}

// errorCase is the testcase of a run that could not be judged; its body
// has the steady-state verdicts, when there are any, and the timeline.
func errorCase(class string, r *Run) junitCase {
	var body strings.Builder
	body.WriteString(r.Error.Message + "\n")
	if len(r.SteadyState) > 0 {
		body.WriteString("\nsteady state:\n")
		for _, a := range r.SteadyState {
			fmt.Fprintf(&body, "  %s (%s): %s: %s\n", a.Name, a.Type, a.Status, a.Message)
		}
	}
	body.WriteString("\n" + TimelineSummary(r, maxFailureLines))
	return junitCase{Name: r.Error.Phase, Classname: class, Time: secs(0),
		Error: &junitMessage{Message: r.Error.Message, Type: "RunError", Body: xmlText(body.String())}}
}

// assertionCase is the testcase of one assertion. A failure's message names
// the SLO and the measured time, which are also properties of the testcase.
func assertionCase(class string, a Assertion, r *Run) junitCase {
	c := junitCase{Name: fmt.Sprintf("%s (%s)", a.Name, a.Type), Classname: class, Time: secs(0),
		Properties: props("from", a.From, "slo", secs(a.SLO))}
	if a.Measurable {
		c.Time = secs(a.Measured)
		c.Properties.List = append(c.Properties.List, junitProperty{"measured", c.Time})
	}
	switch {
	case a.Status == assertions.Passed:
	case a.Status == assertions.Failed:
		c.Failure = failure("SLO", a.Message+" "+sloNote(a), r)
	case a.Status == assertions.Inconclusive:
		c.Error = failure("Inconclusive", a.Message, r)
	case r.Error != nil:
		c.Skipped = &junitMessage{Message: "not evaluated: run error in phase " + r.Error.Phase}
	default: // still pending when a judged run ended: a failure
		c.Failure = failure("Undecided", "not decided at the end of the run: "+a.Message+" "+sloNote(a), r)
	}
	return c
}

func failure(typ, msg string, r *Run) *junitMessage {
	return &junitMessage{Message: msg, Type: typ, Body: xmlText(msg + "\n\n" + TimelineSummary(r, maxFailureLines))}
}

// sloNote is "[SLO 60s, measured 18.3s]" (or "measured: n/a").
func sloNote(a Assertion) string {
	measured := "measured: n/a"
	if a.Measurable {
		measured = "measured " + human(a.Measured)
	}
	return fmt.Sprintf("[SLO %s, %s]", human(a.SLO), measured)
}

// faultLine is "type target [start..end]", and why it failed if it did.
func faultLine(f Fault) string {
	s := fmt.Sprintf("%s %s [%ss..%ss]", f.Type, f.Target, secs(f.Start), secs(f.End))
	if f.Trigger != "" {
		s += fmt.Sprintf(" triggered at %ss by %s (trigger latency %s)", secs(f.Triggered), f.Trigger, human(f.TriggerLatency))
	}
	if f.Error != "" {
		s += " error: " + f.Error
	} else if !f.Injected {
		s += " (not injected)"
	}
	if e := f.Evidence; e != nil {
		word := "evidence"
		if !e.Took {
			word = "NO EVIDENCE"
		}
		s += fmt.Sprintf(" %s: %s", word, e.Observed)
	}
	return s
}

// props builds properties from name, value pairs.
func props(kv ...string) *junitProperties {
	p := &junitProperties{}
	for i := 0; i+1 < len(kv); i += 2 {
		p.List = append(p.List, junitProperty{kv[i], kv[i+1]})
	}
	return p
}

// ansi matches terminal colour and cursor sequences, as in kind's output.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// xmlText makes s fit for CDATA, which encoding/xml writes unchecked: it
// drops terminal escape sequences and replaces characters XML 1.0 does not
// allow (attributes and character data are escaped by encoding/xml).
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF ||
			r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return '\uFFFD'
	}, ansi.ReplaceAllString(s, ""))
}

// secs formats d in seconds with 3 decimals, as JUnit's time attributes.
func secs(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// human formats d in seconds without trailing zeros: 60s, 18.3s.
func human(d time.Duration) string {
	return strconv.FormatFloat(Seconds(d).Float(), 'f', -1, 64) + "s"
}
