package reports

import (
	"html/template"
	"io"
)

var indexTemplate = template.Must(template.New("index").Funcs(template.FuncMap{"verdict": runStatus}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>harness: {{len .}} runs</title>
<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:left}
.PASSED{color:#1a7f37}.FAILED{color:#cf222e}.ERROR{color:#9a6700}</style></head>
<body><h1>harness: {{len .}} runs</h1>
<table><tr><th>scenario</th><th>run</th><th>verdict</th><th>duration</th><th>cluster</th></tr>
{{range .}}<tr><td><a href="{{.Dir}}/report.html">{{.Run.Scenario}}</a></td><td>{{.Run.RunID}}</td>
<td class="{{verdict .Run}}">{{verdict .Run}}</td><td>{{printf "%.0fs" .Run.Duration.Seconds}}</td>
<td>{{.Run.Cluster.Name}}{{if .Run.Cluster.Shared}} (shared){{end}}</td></tr>
{{end}}</table></body></html>
`))

type indexRow struct {
	Run *Run
	Dir string
}

// WriteIndex writes an HTML page that links the report of every run (dirs
// are the runs' folders, relative to the page).
func WriteIndex(w io.Writer, runs []*Run, dirs []string) error {
	rows := make([]indexRow, len(runs))
	for i, r := range runs {
		rows[i] = indexRow{Run: r, Dir: dirs[i]}
	}
	return indexTemplate.Execute(w, rows)
}
