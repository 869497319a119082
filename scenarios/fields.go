package scenarios

import (
	"reflect"
	"strings"
)

// Field is one YAML field of a parameter struct.
type Field struct {
	Name string
	Type reflect.Type
	Doc  string
}

// Fields lists the YAML fields of a struct type (or pointer to one), with
// the fields of inlined structs in place.
func Fields(t reflect.Type) []Field {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []Field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case opts == "inline":
			out = append(out, Fields(f.Type)...)
		case name != "" && name != "-":
			out = append(out, Field{Name: name, Type: f.Type, Doc: f.Tag.Get("doc")})
		}
	}
	return out
}
