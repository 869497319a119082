// Package catalog is the registry table that the families a scenario names
// share (fault, trigger and assertion types): explicit tables of specs, each
// row named by its type, looked up by name and listed for error messages and
// `harness list`. It depends on nothing, so every catalogue can use it.
package catalog

// Row is a registry table row named by its type.
type Row interface{ TypeName() string }

// Lookup returns the row of a type.
func Lookup[R Row](table []R, typ string) (R, bool) {
	for _, r := range table {
		if r.TypeName() == typ {
			return r, true
		}
	}
	var zero R
	return zero, false
}

// Names returns the type names of a table, in its order.
func Names[R Row](table []R) []string {
	out := make([]string, len(table))
	for i, r := range table {
		out[i] = r.TypeName()
	}
	return out
}
