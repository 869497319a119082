package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// placeholderRE matches a ${NAME} placeholder, or the escape $${ that
// stands for a literal ${.
var placeholderRE = regexp.MustCompile(`\$\$\{|\$\{([^{}]*)\}`)

// manifest checks one setup.manifests entry m (node n): a regular file in
// the scenario's folder (unless Options.AllowManifestsOutside), no larger
// than MaxFileSize, YAML, whose placeholders name parameters of the
// scenario, in values only. It returns the path relative to the working
// directory.
func (d *decoder) manifest(n *yaml.Node, m string, params []Parameter) string {
	dir := filepath.Dir(d.file)
	if m == "" {
		d.at(n, "empty manifest path; expected a file in the scenario's folder %s", dir)
		return ""
	}
	path := m
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, m)
	}
	if !d.opts.AllowManifestsOutside {
		if why := outside(dir, m, path); why != "" {
			d.at(n, "manifest %q %s; expected a file inside the scenario's folder %s (harness run --allow-manifests-outside allows it)", m, why, dir)
			return path
		}
	}
	data, err := ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.at(n, "manifest %q not found; expected a file relative to the scenario's directory %s", m, dir)
		return path
	case err != nil:
		d.at(n, "manifest %q cannot be read: %v", m, err)
		return path
	}
	d.checkManifest(n, m, data, params)
	return path
}

// outside says how path (m as written, in the scenario's folder dir) leads
// out of dir, or "".
func outside(dir, m, path string) string {
	if filepath.IsAbs(m) {
		return "is an absolute path"
	}
	if rel, err := filepath.Rel(dir, path); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "leads out of the scenario's folder"
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return ""
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "" // missing: reported as not found
	}
	absDir, _ := filepath.Abs(realDir)
	absReal, _ := filepath.Abs(real)
	if rel, err := filepath.Rel(absDir, absReal); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Sprintf("is a symbolic link leading out of the scenario's folder (to %s)", real)
	}
	return ""
}

// checkManifest parses a manifest and checks its placeholders: each names
// a parameter, and stands in a value (never in a key, where a value could
// rename a field).
func (d *decoder) checkManifest(n *yaml.Node, m string, data []byte, params []Parameter) {
	names := paramNames(params)
	reported := map[string]bool{}
	err := eachDocument(data, func(doc *yaml.Node) {
		walkScalars(doc, func(s *yaml.Node, isKey bool) {
			for _, name := range placeholders(s.Value) {
				switch {
				case isKey && !reported["key "+name]:
					reported["key "+name] = true
					d.at(n, "manifest %q line %d: placeholder ${%s} in a key; expected placeholders in values only", m, s.Line, name)
				case !isKey && !slices.Contains(names, name) && !reported[name]:
					reported[name] = true
					d.at(n, "manifest %q line %d: placeholder ${%s} is not a parameter of this scenario; its parameters: %s (write $${ for a literal ${)",
						m, s.Line, name, choices(names))
				}
			}
		})
	})
	if err != nil {
		d.at(n, "manifest %q is not YAML: %v", m, strings.TrimPrefix(err.Error(), "yaml: "))
	}
}

// paramNames are the names a placeholder may use: the built-in parameters,
// then the scenario's own.
func paramNames(params []Parameter) []string {
	names := slices.Clone(BuiltinParams)
	for _, p := range params {
		names = append(names, p.Name)
	}
	return names
}

// placeholders lists the names of the ${NAME} placeholders of s.
func placeholders(s string) []string {
	if !strings.Contains(s, "${") {
		return nil
	}
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		if m[0] != "$${" {
			out = append(out, m[1])
		}
	}
	return out
}

// eachDocument calls f on every document of a multi-document YAML text.
func eachDocument(data []byte, f func(doc *yaml.Node)) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		f(&doc)
	}
}

// walkScalars calls f on every scalar under n (not through aliases).
func walkScalars(n *yaml.Node, f func(s *yaml.Node, isKey bool)) {
	switch n.Kind {
	case yaml.ScalarNode:
		f(n, false)
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind == yaml.ScalarNode {
				f(k, true)
			} else {
				walkScalars(k, f)
			}
			walkScalars(n.Content[i+1], f)
		}
	default:
		for _, c := range n.Content {
			walkScalars(c, f)
		}
	}
}

// Substitute puts parameter values into a manifest (multi-document YAML)
// where it says ${NAME}: the manifest is parsed, each placeholder is
// replaced inside the scalar value that holds it ($${ stands for a literal
// ${), and the documents are written out again. A value is therefore
// always one scalar: it cannot add objects, fields or documents, whatever
// newlines, "key: value" or "---" it holds. A plain (unquoted) scalar that
// is exactly one placeholder takes the type YAML gives the value (so
// `replicas: ${n}` is a number); any other is a string. Placeholders of
// names not in params stay as they are (the decoder refuses them).
func Substitute(manifest []byte, params map[string]string) ([]byte, error) {
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	var encErr error
	err := eachDocument(manifest, func(doc *yaml.Node) {
		walkScalars(doc, func(s *yaml.Node, isKey bool) {
			if !isKey && strings.Contains(s.Value, "${") {
				substitute(s, params)
			}
		})
		if err := enc.Encode(doc); err != nil && encErr == nil {
			encErr = err
		}
	})
	if err != nil {
		return nil, fmt.Errorf("manifest is not YAML: %w", err)
	}
	if encErr != nil {
		return nil, fmt.Errorf("write the manifest with its parameters: %w", encErr)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// substitute replaces the placeholders of one scalar.
func substitute(s *yaml.Node, params map[string]string) {
	whole := false
	if m := placeholderRE.FindStringSubmatchIndex(s.Value); m != nil && m[0] == 0 && m[1] == len(s.Value) && s.Value[:3] != "$${" {
		_, whole = params[s.Value[2:len(s.Value)-1]]
	}
	s.Value = placeholderRE.ReplaceAllStringFunc(s.Value, func(p string) string {
		if p == "$${" {
			return "${"
		}
		if v, ok := params[p[2:len(p)-1]]; ok {
			return v
		}
		return p
	})
	if whole && s.Style == 0 {
		s.Tag = "" // the encoder writes it so that YAML resolves the value's own type
		return
	}
	s.Tag, s.Style = "!!str", s.Style&^yaml.TaggedStyle
}
