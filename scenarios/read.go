package scenarios

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxFileSize is the size limit of a scenario file and of each setup
// manifest (4 MiB): larger files are refused before they are read whole.
const MaxFileSize = 4 << 20

// ReadFile reads a scenario file or a manifest: a regular file (symbolic
// links are followed) of at most MaxFileSize bytes. Directories, FIFOs,
// sockets and devices (/dev/zero) are refused without reading; a FIFO does
// not block the open. Errors wrap the fs errors (fs.ErrNotExist,
// fs.ErrPermission).
func ReadFile(path string) ([]byte, error) {
	// O_NONBLOCK: opening a FIFO that no one writes to returns at once.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: st.Mode()}
	}
	if st.Size() > MaxFileSize {
		return nil, tooLarge(path, st.Size())
	}
	return readLimited(path, f)
}

// ReadAll reads a scenario from r (such as stdin), at most MaxFileSize
// bytes; name names it in errors.
func ReadAll(name string, r io.Reader) ([]byte, error) { return readLimited(name, r) }

func readLimited(name string, r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(name, -1)
	}
	return data, nil
}

// ErrTooLarge is the error of a file over MaxFileSize.
var ErrTooLarge = errors.New("file too large")

func tooLarge(name string, size int64) error {
	what := "more than"
	if size >= 0 {
		what = fmt.Sprintf("%d bytes,", size)
	}
	return fmt.Errorf("%s: %w: %s the limit of %d bytes (%d MiB); expected a scenario file", name, ErrTooLarge, what, MaxFileSize, MaxFileSize>>20)
}

// NotRegularError is the error of a path that is not a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	what := "not a regular file"
	switch {
	case e.Mode.IsDir():
		what = "a directory"
	case e.Mode&fs.ModeNamedPipe != 0:
		what = "a FIFO"
	case e.Mode&fs.ModeSocket != 0:
		what = "a socket"
	case e.Mode&fs.ModeDevice != 0:
		what = "a device"
	}
	return fmt.Sprintf("%s is %s; expected a regular file", e.Path, what)
}
