package scenarios

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits of the errors of one file: at most MaxErrors problems are
// reported (in file order, then "and N more"), and a message lists at most
// MaxChoices valid choices.
const (
	MaxErrors  = 50
	MaxChoices = 15
)

// Error is one problem of a scenario file, at a line and column.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors are the problems of a scenario file, in file order: the first
// MaxErrors, then (when there were more) one Error without a position that
// says how many were left out. Its Error() puts each on its own line.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// collector gathers the errors of one file. Positions are indexed by line,
// so that "is there a problem inside this node" costs the node's lines, not
// the whole list.
type collector struct {
	file   string
	list   Errors
	byLine map[int][]int // columns of the problems on each line
}

// at reports a problem at node n (which must not be nil), unless one is
// reported there already: a second one would be a follow-up of the first
// (a refused tag, then the value it hid).
func (c *collector) at(n *yaml.Node, format string, args ...any) {
	c.addOnce(n.Line, n.Column, fmt.Sprintf(format, args...))
}

func (c *collector) add(line, col int, msg string) {
	if c.byLine == nil {
		c.byLine = map[int][]int{}
	}
	c.list = append(c.list, &Error{File: c.file, Line: line, Col: col, Msg: msg})
	c.byLine[line] = append(c.byLine[line], col)
}

// addOnce reports msg unless a problem is already reported at line:col.
func (c *collector) addOnce(line, col int, msg string) {
	for _, got := range c.byLine[line] {
		if got == col {
			return
		}
	}
	c.add(line, col, msg)
}

// errorsWithin tells whether a problem is reported inside node n.
func (c *collector) errorsWithin(n *yaml.Node) bool {
	last := n
	for len(last.Content) > 0 {
		last = last.Content[len(last.Content)-1]
	}
	for line := n.Line; line <= last.Line; line++ {
		for _, col := range c.byLine[line] {
			if !before(line, col, n.Line, n.Column) && !before(last.Line, last.Column, line, col) {
				return true
			}
		}
	}
	return false
}

// before tells whether position l1:c1 comes before l2:c2.
func before(l1, c1, l2, c2 int) bool { return l1 < l2 || l1 == l2 && c1 < c2 }

// errors returns the problems in file order, at most MaxErrors of them, or
// nil.
func (c *collector) errors() error {
	if len(c.list) == 0 {
		return nil
	}
	sort.SliceStable(c.list, func(i, j int) bool {
		a, b := c.list[i], c.list[j]
		return before(a.Line, a.Col, b.Line, b.Col)
	})
	if n := len(c.list); n > MaxErrors {
		out := append(Errors{}, c.list[:MaxErrors]...)
		return append(out, &Error{File: c.file, Msg: fmt.Sprintf("and %d more problems (only the first %d are listed)", n-MaxErrors, MaxErrors)})
	}
	return c.list
}

// choices lists valid choices for a message: at most MaxChoices of them,
// then how many more there are.
func choices(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	if len(names) > MaxChoices {
		return strings.Join(names[:MaxChoices], ", ") + fmt.Sprintf(", ... (%d more)", len(names)-MaxChoices)
	}
	return strings.Join(names, ", ")
}
