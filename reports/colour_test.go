package reports

import (
	"bytes"
	"os"
	"testing"
)

func TestColour(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if w := Colour(&buf); w != &buf {
		t.Fatal("a buffer is not a terminal: Colour must return it unchanged")
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Fatal("a regular file is not a terminal")
	}
	tests := map[string]string{
		"a  PASSED\n":         "a  \x1b[32mPASSED\x1b[0m\n",
		"b  FAILED: x\n":      "b  \x1b[31mFAILED\x1b[0m: x\n",
		"c  NOT EVALUATED\n":  "c  \x1b[33mNOT EVALUATED\x1b[0m\n",
		"ERROR in cluster\n":  "\x1b[31mERROR\x1b[0m in cluster\n",
		"nothing to colour\n": "nothing to colour\n",
	}
	for in, want := range tests {
		var out bytes.Buffer
		n, err := colourWriter{&out}.Write([]byte(in))
		if err != nil || n != len(in) || out.String() != want {
			t.Errorf("Write(%q) = %d, %v, %q; want %q", in, n, err, out.String(), want)
		}
	}
}
