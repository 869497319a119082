package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestResolveParams(t *testing.T) {
	t.Parallel()
	sc := &Scenario{File: "s.yaml", Metadata: Metadata{Name: "s"}, Parameters: []Parameter{
		{Name: "variant", Values: []string{"bug", "fixed"}, Default: "fixed"},
		{Name: "image", Default: "example/app:v1"},
	}}
	for _, tc := range []struct {
		name    string
		set     map[string]string
		want    map[string]string
		wantErr string
	}{
		{name: "defaults", want: map[string]string{"variant": "fixed", "image": "example/app:v1"}},
		{name: "given", set: map[string]string{"variant": "bug", "image": "x:1"}, want: map[string]string{"variant": "bug", "image": "x:1"}},
		{name: "value not allowed", set: map[string]string{"variant": "broken"}, wantErr: `s.yaml: parameter variant="broken" not allowed; valid values: bug, fixed`},
		{name: "unknown name", set: map[string]string{"varient": "bug"}, wantErr: `s.yaml: scenario s has no parameter "varient"; its parameters: image, variant`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := sc.ResolveParams(tc.set)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v; want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q; want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestExpand(t *testing.T) {
	t.Parallel()
	in := "args: [--variant=${variant}]\nname: ${variant}-${other}\nkeep: ${unknown}\n"
	got := string(Expand([]byte(in), map[string]string{"variant": "bug", "other": "x"}))
	want := "args: [--variant=bug]\nname: bug-x\nkeep: ${unknown}\n"
	if got != want {
		t.Fatalf("Expand = %q; want %q", got, want)
	}
	if !strings.Contains(string(Expand([]byte(in), nil)), "${variant}") {
		t.Fatal("Expand without parameters changed the manifest")
	}
}

// TestSubstituteKeepsValuesScalar: a --param value goes into the scalar
// that holds its placeholder, whatever it holds: it adds no field, object
// or document (testdata/bad-input/param-injection.manifest.yaml).
func TestSubstituteKeepsValuesScalar(t *testing.T) {
	t.Parallel()
	manifest, err := ReadFile("testdata/bad-input/param-injection.manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, value := range []string{
		"x\n  hostPID: true\nspec: {hostNetwork: true}",
		"x\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: stolen}",
		"x: y",
		"[a, b]",
		"{a: b}",
		"*alias",
		"!!binary eA==",
		"null",
		"'x' # comment",
	} {
		out, err := Substitute(manifest, map[string]string{"image": value})
		if err != nil {
			t.Fatalf("value %q: %v", value, err)
		}
		var docs []map[string]any
		if err := eachDocument(out, func(doc *yaml.Node) {
			var m map[string]any
			if err := doc.Decode(&m); err != nil {
				t.Fatalf("value %q: %v\n%s", value, err, out)
			}
			docs = append(docs, m)
		}); err != nil {
			t.Fatalf("value %q: the result does not parse: %v\n%s", value, err, out)
		}
		if len(docs) != 1 {
			t.Fatalf("value %q made %d documents:\n%s", value, len(docs), out)
		}
		spec := docs[0]["spec"].(map[string]any)
		c := spec["containers"].([]any)[0].(map[string]any)
		want := any(value)
		if value == "null" {
			want = nil // a plain scalar that is one placeholder takes YAML's type: still one scalar
		}
		if c["image"] != want || len(spec) != 1 || len(c) != 2 || len(docs[0]) != 4 {
			t.Fatalf("value %q changed the structure:\n%s", value, out)
		}
	}
}

func TestSubstituteTypes(t *testing.T) {
	t.Parallel()
	in := "replicas: ${n}\nquoted: \"${n}\"\nname: app-${n}\nliteral: $${n}\nkeep: ${other}\nargs: [\"--n=${n}\"]\n"
	out, err := Substitute([]byte(in), map[string]string{"n": "3"})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := yaml.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"replicas": 3, "quoted": "3", "name": "app-3", "literal": "${n}", "keep": "${other}", "args": []any{"--n=3"}}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) || fmt.Sprintf("%T", got[k]) != fmt.Sprintf("%T", v) {
			t.Errorf("%s = %#v; want %#v\n%s", k, got[k], v, out)
		}
	}
	if _, err := Substitute([]byte("a: [\n"), nil); err == nil {
		t.Fatal("a manifest that is not YAML: want an error")
	}
}

// TestResolveParamsChecksImages: a --param value that makes an image of
// setup.images no image reference (an option, nothing at all) is refused
// before any cluster exists, at the image's position; so is a value that is
// not UTF-8. An image of a built-in parameter waits for the cluster.
func TestResolveParamsChecksImages(t *testing.T) {
	t.Parallel()
	sc := &Scenario{File: "s.yaml", Metadata: Metadata{Name: "s"},
		Parameters: []Parameter{{Name: "image"}, {Name: "x", Default: "ok"}},
		Setup:      Setup{Images: []string{"${image}", "example/app:${HARNESS_FREE_IP}"}, imageAt: []string{"s.yaml:9:12", "s.yaml:9:24"}}}
	tests := []struct {
		set  map[string]string
		want string
	}{
		{map[string]string{"image": "example/app:v1"}, ""},
		{map[string]string{"image": "-o/etc/x"}, `s.yaml:9:12: "${image}" with the run's parameters: image "-o/etc/x" is not an image reference`},
		{map[string]string{}, `s.yaml:9:12: "${image}" with the run's parameters: empty image`},
		{map[string]string{"image": "example/app:v1", "x": "a\xffb"}, `s.yaml: parameter x="a\xffb" is not valid UTF-8`},
	}
	for _, tt := range tests {
		_, err := sc.ResolveParams(tt.set)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("ResolveParams(%v): %v; want no error", tt.set, err)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
			t.Errorf("ResolveParams(%v) = %v; want an error starting with %q", tt.set, err, tt.want)
		}
	}
}

// TestExpandEscapes: $${ is a literal ${ in an image as in a manifest.
func TestExpandEscapes(t *testing.T) {
	t.Parallel()
	got := string(Expand([]byte("example/app:$${tag}-${tag}"), map[string]string{"tag": "v1"}))
	if got != "example/app:${tag}-v1" {
		t.Fatalf("Expand = %q", got)
	}
}
