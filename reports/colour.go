package reports

import (
	"bytes"
	"io"
	"os"
)

// ANSI colours of the verdict words on a terminal.
var verdictColours = []struct{ word, coloured []byte }{
	{[]byte("NOT EVALUATED"), []byte("\x1b[33mNOT EVALUATED\x1b[0m")},
	{[]byte("UNDECIDED"), []byte("\x1b[33mUNDECIDED\x1b[0m")},
	{[]byte("INCONCLUSIVE"), []byte("\x1b[33mINCONCLUSIVE\x1b[0m")},
	{[]byte("PASSED"), []byte("\x1b[32mPASSED\x1b[0m")},
	{[]byte("FAILED"), []byte("\x1b[31mFAILED\x1b[0m")},
	{[]byte("ERROR"), []byte("\x1b[31mERROR\x1b[0m")},
}

// IsTerminal says whether w is a terminal that wants colours: a character
// device, with NO_COLOR unset and TERM not "dumb".
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Colour returns w unchanged unless it is a terminal (IsTerminal); then
// the verdict words written through it are coloured: PASSED green, FAILED
// and ERROR red, NOT EVALUATED and UNDECIDED yellow. Files, pipes and CI
// logs get plain text.
func Colour(w io.Writer) io.Writer {
	if !IsTerminal(w) {
		return w
	}
	return colourWriter{w}
}

type colourWriter struct{ w io.Writer }

func (c colourWriter) Write(p []byte) (int, error) {
	if _, err := c.w.Write(colourWords(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// colourWords colours every verdict word of p.
func colourWords(p []byte) []byte {
	for _, v := range verdictColours {
		p = bytes.ReplaceAll(p, v.word, v.coloured)
	}
	return p
}
