// Package reports writes what a run found for CI systems (JUnit XML), for
// machines (JSON) and for people (a summary table and a timeline).
package reports

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/internal/result"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  *cdata          `xml:"system-out,omitempty"`
}

// cdata keeps multi-line text readable in the XML file.
type cdata struct {
	Text string `xml:",cdata"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitMessage   `xml:"failure,omitempty"`
	Error      *junitMessage   `xml:"error,omitempty"`
	Skipped    *junitMessage   `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"`
}

// WriteJUnit writes one testsuite per run and one testcase per assertion.
func WriteJUnit(w io.Writer, runs []*result.Run) error {
	out := junitSuites{}
	var total float64
	for _, r := range runs {
		s := suite(r)
		out.Suites = append(out.Suites, s)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		total += result.Seconds(r.Duration)
	}
	out.Time = fmt.Sprintf("%.3f", total)
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

func suite(r *result.Run) junitSuite {
	s := junitSuite{
		Name:      r.Scenario,
		Time:      seconds(r.Duration.Seconds()),
		Timestamp: r.Started.UTC().Format("2006-01-02T15:04:05"),
		SystemOut: &cdata{TimelineSummary(r)},
	}
	s.Properties = []junitProperty{
		{"seed", fmt.Sprint(r.Seed)}, {"runID", r.RunID}, {"file", r.File},
		{"cluster", r.Cluster.Name}, {"nodeImage", r.Cluster.NodeImage},
		{"kubernetesVersion", r.Cluster.KubernetesVersion},
	}
	for _, f := range r.Faults {
		s.Properties = append(s.Properties, junitProperty{"fault." + f.Name, faultLine(f)})
	}
	class := "harness." + r.Scenario
	if r.Error != nil {
		s.Errors++
		s.Cases = append(s.Cases, junitCase{Name: r.Error.Phase, Classname: class, Time: "0",
			Error: &junitMessage{Message: r.Error.Message, Type: "RunError", Body: r.Error.Message}})
	}
	for _, a := range r.Assertions {
		s.Cases = append(s.Cases, testcase(class, a, r))
	}
	if r.Error != nil && len(r.Assertions) == 0 {
		for _, a := range r.SteadyState {
			s.Cases = append(s.Cases, testcase(class, a, r))
		}
	}
	for _, c := range s.Cases {
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Skipped != nil:
			s.Skipped++
		}
	}
	s.Tests = len(s.Cases)
	return s
}

func testcase(class string, a result.Assertion, r *result.Run) junitCase {
	c := junitCase{Name: fmt.Sprintf("%s (%s)", a.Name, a.Type), Classname: class, Time: "0"}
	c.Properties = []junitProperty{{"from", a.From}, {"slo", seconds(a.SLO.Seconds())}}
	if a.Measurable {
		c.Time = seconds(a.Measured.Seconds())
		c.Properties = append(c.Properties, junitProperty{"measured", c.Time})
	}
	switch a.Status {
	case assertions.Failed:
		c.Failure = &junitMessage{Message: a.Message, Type: "SLO", Body: a.Message + "\n\n" + TimelineSummary(r)}
	case assertions.Pending:
		c.Skipped = &junitMessage{Message: "not evaluated: " + a.Message}
	}
	if r.Error != nil && a.Status != assertions.Passed && a.Status != assertions.Failed {
		c.Skipped = &junitMessage{Message: "not evaluated: run error in phase " + r.Error.Phase}
	}
	return c
}

func faultLine(f result.Fault) string {
	s := fmt.Sprintf("%s %s [%.1fs..%.1fs]", f.Type, f.Target, f.Start.Seconds(), f.End.Seconds())
	if f.Error != "" {
		s += " error: " + f.Error
	}
	return s
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }
