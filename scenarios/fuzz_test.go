package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecode feeds the decoder mutations of the stock scenarios and the
// fixtures (the hostile inputs are test cases of their own, TestBadInputs). Whatever the input: no panic, either a
// scenario or Errors (every problem with its position, unless it says how
// many more there are), at most MaxErrors+1 of them, and messages of
// bounded size. `make test` runs it for a while (-fuzztime); `go test`
// runs the seeds.
func FuzzDecode(f *testing.F) {
	for _, glob := range []string{"*.yaml", "testdata/valid/*.yaml", "testdata/invalid/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			if len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Decode("testdata/fuzz.yaml", data)
		if err == nil {
			if sc == nil {
				t.Fatal("no scenario and no error")
			}
			return
		}
		var list Errors
		if !errors.As(err, &list) {
			t.Fatalf("error %v (%T); want Errors", err, err)
		}
		if len(list) == 0 || len(list) > MaxErrors+1 {
			t.Fatalf("%d errors", len(list))
		}
		for i, e := range list {
			if e.Line <= 0 && !(i == len(list)-1 && strings.HasPrefix(e.Msg, "and ")) && !strings.HasPrefix(e.Msg, "cannot be decoded") {
				t.Fatalf("error without a position: %v", e)
			}
			if len(e.Msg) > 4096 {
				t.Fatalf("a message of %d bytes", len(e.Msg))
			}
			if strings.HasPrefix(e.Msg, "cannot be decoded") {
				t.Fatalf("the decoder panicked: %v", e)
			}
		}
	})
}
