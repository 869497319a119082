package app

import (
	"fmt"
	"io"
	"reflect"
	"text/tabwriter"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/faults/trigger"
	"github.com/harness-dev/harness/scenarios"
)

func listCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return usageErr("list takes no arguments")
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "FAULT TYPES")
	for _, s := range faults.Registry() {
		lasts := "instant"
		if s.NeedsDuration {
			lasts = "needs duration"
		}
		fmt.Fprintf(w, "  %s\t%s (%s)\n", s.Type, s.Doc, lasts)
		writeParams(w, s.NewParams)
	}
	fmt.Fprintln(w, "\nASSERTION TYPES (fields: name, type, from, within, params)")
	for _, s := range assertions.Registry() {
		fmt.Fprintf(w, "  %s\t%s\n", s.Type, s.Doc)
		writeParams(w, s.NewParams)
	}
	fmt.Fprintln(w, "\nTRIGGER TYPES (a fault's trigger: type, params, delay, timeout; instead of at/after)")
	for _, s := range trigger.Registry() {
		fmt.Fprintf(w, "  %s\t%s\n", s.Type, s.Doc)
		writeParams(w, s.NewParams)
	}
	fmt.Fprintln(w, "\nMOMENTS for from: steady-state, faults.start, faults.end, <fault>.start, <fault>.end")
	return w.Flush()
}

// writeParams lists the yaml fields of a parameter struct with their docs.
func writeParams(w io.Writer, newParams func() any) {
	if newParams == nil {
		fmt.Fprintln(w, "    (no params)")
		return
	}
	for _, f := range scenarios.Fields(reflect.TypeOf(newParams())) {
		fmt.Fprintf(w, "    params.%s\t%s: %s\n", f.Name, f.Type, f.Doc)
	}
}
