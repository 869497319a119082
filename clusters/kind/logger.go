package kind

import (
	"fmt"
	"log/slog"

	kindlog "sigs.k8s.io/kind/pkg/log"
)

// kindLogger passes kind's warnings and errors to slog; kind's info output
// (its own progress) is dropped: the harness prints its own steps.
type kindLogger struct{ log *slog.Logger }

func (l kindLogger) Warn(msg string) { l.log.Warn("kind warns", "detail", msg) }
func (l kindLogger) Warnf(f string, a ...any) {
	l.log.Warn("kind warns", "detail", fmt.Sprintf(f, a...))
}
func (l kindLogger) Error(msg string) { l.log.Error("kind failed", "detail", msg) }
func (l kindLogger) Errorf(f string, a ...any) {
	l.log.Error("kind failed", "detail", fmt.Sprintf(f, a...))
}
func (l kindLogger) V(kindlog.Level) kindlog.InfoLogger { return noInfo{} }

type noInfo struct{}

func (noInfo) Info(string)          {}
func (noInfo) Infof(string, ...any) {}
func (noInfo) Enabled() bool        { return false }
