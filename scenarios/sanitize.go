package scenarios

import (
	"fmt"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// What is checked of a document before it is decoded: its bytes, its tags,
// duplicate keys and merge keys.

// maxMerged bounds the keys merge keys (<<) may copy in one document.
const maxMerged = 10000

// badBytes reports the first byte that is not UTF-8 or is a control
// character YAML does not allow, at its line and column; UTF-16 files
// (with a byte order mark) are left to the YAML reader.
func (d *decoder) badBytes(data []byte) bool {
	if len(data) >= 2 && (data[0] == 0xfe && data[1] == 0xff || data[0] == 0xff && data[1] == 0xfe) {
		return false
	}
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			d.add(line, col, fmt.Sprintf("byte 0x%02x is not UTF-8; expected a UTF-8 text file", data[i]))
			return true
		case !printable(r) && !(r == 0xfeff && i == 0):
			d.add(line, col, fmt.Sprintf("control character %U not allowed in YAML; expected text", r))
			return true
		case r == '\n':
			line, col = line+1, 1
		case r == '\r' && (i+1 == len(data) || data[i+1] != '\n'):
			line, col = line+1, 1
		case r != '\r':
			col++
		}
		i += size
	}
	return false
}

// printable is YAML 1.2's c-printable (without the byte order mark).
func printable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r >= 0x20 && r <= 0x7e:
		return true
	case r >= 0xa0 && r <= 0xd7ff:
		return true
	case r >= 0xe000 && r <= 0xfffd:
		return r != 0xfeff
	}
	return r >= 0x10000 && r <= 0x10ffff
}

// plainTags are the explicit tags a scenario may use: they say nothing a
// reader does not see.
var plainTags = map[string]bool{"!!str": true, "!!int": true, "!!float": true, "!!bool": true,
	"!!null": true, "!!map": true, "!!seq": true}

// checkTags refuses explicit tags other than the core ones: !!binary (or a
// local tag) would hide from a reviewer what a value says.
func (d *decoder) checkTags(n *yaml.Node) {
	if n.Style&yaml.TaggedStyle != 0 && !plainTags[n.ShortTag()] {
		d.at(n, "tag %s not allowed; expected a plain value (an explicit tag such as !!binary hides what a scenario says from its reviewers)", n.Tag)
		n.Tag, n.Style = "!!str", n.Style&^yaml.TaggedStyle
	}
	for _, c := range n.Content {
		d.checkTags(c)
	}
}

// dropDuplicateKeys reports every key that a mapping repeats and keeps the
// first, so that the rest of the document is checked as if it were not
// there (no follow-up errors from a mapping the YAML library would refuse
// whole).
func (d *decoder) dropDuplicateKeys(n *yaml.Node) {
	d.dropDuplicatesAt(n, "")
}

func (d *decoder) dropDuplicatesAt(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]*yaml.Node{}
		kept := n.Content[:0:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			if key.Kind == yaml.ScalarNode && key.Tag != "!!merge" {
				if first, ok := seen[key.Value]; ok {
					d.at(key, "%s: mapping key %q already defined at line %d; expected each key once", join(path, key.Value), key.Value, first.Line)
					continue
				}
				seen[key.Value] = key
			}
			kept = append(kept, key, val)
			d.dropDuplicatesAt(val, join(path, key.Value))
		}
		n.Content = kept
	case yaml.SequenceNode:
		for i, c := range n.Content {
			d.dropDuplicatesAt(c, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// expandMerges replaces every merge key (<<: *anchor, or a list of them)
// by the keys it merges, as the YAML merge key type says: keys written in
// the mapping win, then earlier merged mappings over later ones. Merged
// values keep their own positions (errors point where they are written).
// It reports whether the document is still worth checking.
func (d *decoder) expandMerges(doc *yaml.Node) bool {
	m := merger{d: d, done: map[*yaml.Node]bool{}}
	m.walk(doc)
	return !m.failed
}

type merger struct {
	d      *decoder
	done   map[*yaml.Node]bool
	copied int
	failed bool
}

func (m *merger) walk(n *yaml.Node) {
	n = resolve(n)
	if n == nil || m.done[n] || m.failed {
		return
	}
	m.done[n] = true
	for _, c := range n.Content {
		m.walk(c)
	}
	if n.Kind == yaml.MappingNode {
		m.merge(n)
	}
}

// merge expands the merge keys of mapping n, whose children are expanded.
func (m *merger) merge(n *yaml.Node) {
	var own, merged []*yaml.Node
	have := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i]
		if key.Tag == "!!merge" {
			merged = append(merged, n.Content[i+1])
			continue
		}
		own = append(own, key, n.Content[i+1])
		have[key.Value] = true
	}
	if len(merged) == 0 {
		return
	}
	for _, v := range merged {
		sources := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			sources = v.Content
		}
		for _, src := range sources {
			src = resolve(src)
			if src == nil || src.Kind != yaml.MappingNode {
				m.d.at(v, "a merge key (<<) takes a mapping or a list of mappings, such as <<: *defaults; got %s", kindName(src))
				continue
			}
			m.walk(src)
			for i := 0; i+1 < len(src.Content); i += 2 {
				if key := src.Content[i]; !have[key.Value] {
					own, have[key.Value] = append(own, key, src.Content[i+1]), true
					m.copied++
				}
			}
			if m.copied > maxMerged {
				m.d.at(v, "merge keys copy more than %d keys; expected a smaller document", maxMerged)
				m.failed = true
				return
			}
		}
	}
	n.Content = own
}

// resolve follows an alias to its anchored node.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}
