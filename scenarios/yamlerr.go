package scenarios

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	lineMsgRE   = regexp.MustCompile(`^line (\d+): (.*)$`)
	unmarshalRE = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into (.+)$")
	dupKeyRE    = regexp.MustCompile(`^mapping key "(.*)" already defined`)
)

// matcher tells whether a node on an error's line is the one it is about.
type matcher func(n *yaml.Node, isKey bool) bool

// yamlErrors reports an error of yaml.v3: a syntax error at column 1 of
// its line (or of line 1 when it names none), or each message of a
// TypeError at the node under root it is about, named by its path.
func (d *decoder) yamlErrors(root *yaml.Node, err error, prefix string) {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line, text := splitLine(msg)
		d.add(max(line, 1), 1, prefix+text)
		return
	}
	for _, msg := range te.Errors {
		line, text := splitLine(msg)
		text, match := describe(text)
		f := findOnLine(root, line, match)
		col := 1
		if f.node != nil {
			col = f.node.Column
		}
		if f.path != "" {
			text = f.path + ": " + text
		}
		d.addOnce(line, col, prefix+text)
	}
}

// splitLine splits "line N: text"; line is 0 when msg names none.
func splitLine(msg string) (int, string) {
	m := lineMsgRE.FindStringSubmatch(msg)
	if m == nil {
		return 0, msg
	}
	line, _ := strconv.Atoi(m[1])
	return line, m[2]
}

// describe rewords a yaml.v3 message and says which node it is about.
func describe(msg string) (string, matcher) {
	if m := unmarshalRE.FindStringSubmatch(msg); m != nil {
		tag, value, into := m[1], m[2], m[3]
		got := tagName(tag)
		if value != "" {
			got += fmt.Sprintf(" %q", value)
		}
		return fmt.Sprintf("wrong type: got %s; expected %s", got, goTypeName(into)),
			func(n *yaml.Node, isKey bool) bool {
				return !isKey && n.ShortTag() == tag && strings.HasPrefix(n.Value, strings.TrimSuffix(value, "..."))
			}
	}
	if m := dupKeyRE.FindStringSubmatch(msg); m != nil {
		return msg + "; expected each key once",
			func(n *yaml.Node, isKey bool) bool { return isKey && n.Value == m[1] }
	}
	return msg, func(*yaml.Node, bool) bool { return true }
}

// found is a node an error is about, with its path (such as faults[0].at).
type found struct {
	node *yaml.Node
	path string
}

// findOnLine returns the first node on line that match accepts, or else the
// first node on line, or nothing.
func findOnLine(root *yaml.Node, line int, match matcher) found {
	var first, hit found
	var walk func(n *yaml.Node, path string, isKey bool)
	walk = func(n *yaml.Node, path string, isKey bool) {
		if hit.node != nil {
			return
		}
		if n.Line == line && n.Kind != yaml.DocumentNode {
			if first.node == nil {
				first = found{n, path}
			}
			if match(n, isKey) {
				hit = found{n, path}
				return
			}
		}
		for i, c := range n.Content {
			switch {
			case n.Kind == yaml.MappingNode && i%2 == 0:
				walk(c, join(path, c.Value), true)
			case n.Kind == yaml.MappingNode:
				walk(c, join(path, n.Content[i-1].Value), false)
			case n.Kind == yaml.SequenceNode:
				walk(c, fmt.Sprintf("%s[%d]", path, i), false)
			default:
				walk(c, path, false)
			}
		}
	}
	walk(root, "", false)
	if hit.node != nil {
		return hit
	}
	return first
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func tagName(tag string) string {
	names := map[string]string{"!!str": "a string", "!!int": "an integer", "!!float": "a number",
		"!!bool": "a boolean", "!!seq": "a list", "!!map": "a mapping", "!!null": "null"}
	if name, ok := names[tag]; ok {
		return name
	}
	return tag
}

// goTypeName names a Go type of a yaml.v3 message for people.
func goTypeName(t string) string {
	t = strings.TrimLeft(t, "*")
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a mapping"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		return "an integer"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	}
	return "a mapping"
}
