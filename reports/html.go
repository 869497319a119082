package reports

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"time"
)

//go:embed html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"human":   human,
	"verdict": verdictWord,
	"at":      func(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) },
	"wall":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}).Parse(htmlSource))

// htmlPage is what the HTML template renders.
type htmlPage struct {
	Run       *Run
	Status    string // PASSED, FAILED or ERROR
	Params    []string
	Chart     Chart
	Summary   string
	Artifacts []Artifact // paths relative to the page
}

// WriteHTML writes the report of one run as one self-contained HTML page:
// the verdicts, a timeline chart drawn by inline script from the data
// embedded in the page (no external assets), the faults and the timeline
// summary, with links to the run's artifacts. toReportDir is the path from
// the page's directory to the report directory ("../" for a page in
// DIR/<scenario>/), which artifact paths are relative to.
func WriteHTML(w io.Writer, r *Run, toReportDir string) error {
	p := htmlPage{Run: r, Status: runStatus(r), Chart: NewChart(r), Summary: TimelineSummary(r, 400)}
	for _, a := range r.Artifacts {
		p.Artifacts = append(p.Artifacts, Artifact{Path: toReportDir + a.Path, Title: a.Title})
	}
	for k, v := range r.Parameters {
		p.Params = append(p.Params, k+"="+v)
	}
	sort.Strings(p.Params)
	return htmlTemplate.Execute(w, p)
}

// runStatus is the verdict of a whole run.
func runStatus(r *Run) string {
	switch {
	case r.Error != nil:
		return "ERROR"
	case r.Inconclusive():
		return "INCONCLUSIVE"
	case r.Passed():
		return "PASSED"
	}
	return "FAILED"
}
