// Package registry looks up rows of the explicit registry tables that the
// families (faults, assertions) keep.
package registry

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
