package app

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/faults/trigger"
	"github.com/harness-dev/harness/scenarios"
	"github.com/harness-dev/harness/timeline"
)

func newListCmd(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List fault, trigger and assertion types with their parameters",
		Args:  cobra.NoArgs,
		RunE: handler(func(*cobra.Command, []string) error {
			return list(e.Out)
		}),
	}
}

func list(stdout io.Writer) error {
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
	fmt.Fprintln(w, "\nASSERTION TYPES (fields: name, type, from, within, params; or during instead of from and within for an invariant)")
	for _, s := range assertions.Registry() {
		forms := "from + within"
		if s.Invariant {
			forms += ", or during"
		}
		fmt.Fprintf(w, "  %s\t%s (%s)\n", s.Type, s.Doc, forms)
		writeParams(w, s.NewParams)
	}
	fmt.Fprintln(w, "\nTRIGGER TYPES (a fault's trigger: type, params, delay, timeout; instead of at/after)")
	for _, s := range trigger.Registry() {
		fmt.Fprintf(w, "  %s\t%s\n", s.Type, s.Doc)
		writeParams(w, s.NewParams)
	}
	fmt.Fprintf(w, "\nMOMENTS for from: %s (steadyState checks: %s)\n",
		strings.Join(timeline.AssertionMoments([]string{"<fault>"}), ", "), strings.Join(timeline.SteadyStateMoments, ", "))
	fmt.Fprintln(w, "WINDOWS for during: <fault> (its start to its end), faults (faults.start to faults.end), or {from: MOMENT, to: MOMENT}")
	return w.Flush()
}

// writeParams lists the yaml fields of a parameter struct with their docs.
func writeParams(w io.Writer, newParams func() any) {
	if newParams == nil {
		fmt.Fprintln(w, "    (no params)")
		return
	}
	writeFields(w, "params.", reflect.TypeOf(newParams()))
}

// writeFields lists the fields of a struct type under prefix, and the
// fields of nested structs (params.via.node) after their parent.
func writeFields(w io.Writer, prefix string, t reflect.Type) {
	for _, f := range scenarios.Fields(t) {
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			fmt.Fprintf(w, "    %s%s\tmapping: %s\n", prefix, f.Name, f.Doc)
			writeFields(w, prefix+f.Name+".", ft)
			continue
		}
		fmt.Fprintf(w, "    %s%s\t%s: %s\n", prefix, f.Name, f.Type, f.Doc)
	}
}
