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
		if parserProblems[text] {
			// yaml.v3 gives the parser's (zero-based) mark as the line of
			// parser errors, and the one-based line of scanner errors.
			line++
		}
		d.add(max(line, 1), 1, prefix+text)
		return
	}
	for _, msg := range te.Errors {
		line, text := splitLine(msg)
		text, match := describe(text)
		f := d.findOnLine(root, line, match)
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

// parserProblems are the messages of yaml.v3's parser (not its scanner),
// whose line is one too small.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
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
	node     *yaml.Node
	path     string
	isKey    bool
	pre, end int // pre-order numbers of the node and of its last descendant
}

// lineIndex holds the nodes under a root by line, in document order.
type lineIndex map[int][]found

// findOnLine returns the first node on line that match accepts, or else the
// first node on line, or nothing. The nodes of root are indexed by line the
// first time, so that many errors cost one walk.
func (d *decoder) findOnLine(root *yaml.Node, line int, match matcher) found {
	if d.lines == nil {
		d.lines = map[*yaml.Node]lineIndex{}
	}
	idx, ok := d.lines[root]
	if !ok {
		idx = indexLines(root)
		d.lines[root] = idx
	}
	// The innermost node that matches: a list on the line of a list item
	// whose field is the one of the wrong type is not the one meant.
	var hit *found
	for i := range idx[line] {
		f := &idx[line][i]
		if !match(f.node, f.isKey) {
			continue
		}
		if hit != nil && f.pre > hit.end {
			break // past hit's subtree: hit has no matching descendant
		}
		hit = f
	}
	if hit != nil {
		return *hit
	}
	if len(idx[line]) > 0 {
		return idx[line][0]
	}
	return found{}
}

// indexLines walks root (each shared node once) and lists its nodes by line.
func indexLines(root *yaml.Node) lineIndex {
	idx := lineIndex{}
	seen := map[*yaml.Node]bool{}
	pre := 0
	var walk func(n *yaml.Node, path string, isKey bool)
	walk = func(n *yaml.Node, path string, isKey bool) {
		if seen[n] {
			return
		}
		seen[n] = true
		pre++
		if n.Kind != yaml.DocumentNode {
			idx[n.Line] = append(idx[n.Line], found{node: n, path: path, isKey: isKey, pre: pre})
			line, at := n.Line, len(idx[n.Line])-1
			defer func() { idx[line][at].end = pre }()
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
	return idx
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
	case t == "time.Duration" || t == "scenarios.durationText":
		return "a duration with a unit, such as 30s or 1m30s"
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
