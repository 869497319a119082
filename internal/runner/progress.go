package runner

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress prints each step of a run with the time elapsed since the run
// started, so a person watching a terminal or a CI log sees where it is.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
}

func newProgress(w io.Writer) *progress {
	if w == nil {
		w = io.Discard
	}
	return &progress{w: w, start: time.Now()}
}

func (p *progress) step(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "[%6.1fs] %s\n", elapsed, fmt.Sprintf(format, args...))
}
