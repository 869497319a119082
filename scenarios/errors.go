package scenarios

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
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

// Errors are all the problems of a scenario file, in file order. Its
// Error() puts each on its own line.
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

// collector gathers the errors of one file.
type collector struct {
	file string
	list Errors
}

// at reports a problem at node n (which must not be nil).
func (c *collector) at(n *yaml.Node, format string, args ...any) {
	c.add(n.Line, n.Column, fmt.Sprintf(format, args...))
}

func (c *collector) add(line, col int, msg string) {
	c.list = append(c.list, &Error{File: c.file, Line: line, Col: col, Msg: msg})
}

// addOnce reports msg unless a problem is already reported at line:col.
func (c *collector) addOnce(line, col int, msg string) {
	for _, e := range c.list {
		if e.Line == line && e.Col == col {
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
	for _, e := range c.list {
		if !before(e.Line, e.Col, n.Line, n.Column) && !before(last.Line, last.Column, e.Line, e.Col) {
			return true
		}
	}
	return false
}

// before tells whether position l1:c1 comes before l2:c2.
func before(l1, c1, l2, c2 int) bool { return l1 < l2 || l1 == l2 && c1 < c2 }

// errors returns the problems in file order, or nil.
func (c *collector) errors() error {
	if len(c.list) == 0 {
		return nil
	}
	sort.SliceStable(c.list, func(i, j int) bool {
		a, b := c.list[i], c.list[j]
		return before(a.Line, a.Col, b.Line, b.Col)
	})
	return c.list
}
