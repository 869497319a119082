package scenarios

import (
	"strings"
	"testing"
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
