// Package app is the harness command line: it parses arguments, runs the
// subcommands and maps outcomes to exit codes.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/harness-dev/harness/internal/result"
)

// Exit codes.
const (
	ExitOK        = result.ExitPassed // every SLO met
	ExitFailed    = result.ExitFailed // an SLO or assertion failed
	ExitUsage     = 2                 // bad usage or scenario
	ExitInfra     = result.ExitError  // infrastructure failure (cluster could not start, precondition)
	exitUnhandled = 3
)

// ExitError carries an exit code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

func usageErr(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// ExitCode maps an error returned by Run to the process exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return exitUnhandled
}

const usage = `usage: harness COMMAND [flags] [FILE...]

Commands:
  run FILE...       run scenarios on kind clusters and judge their SLOs
  validate FILE...  check scenario files without a cluster
  list              list fault and assertion types with their parameters
  cleanup           revert faults and delete clusters left by killed runs
  compare BASE NEW  report assertions that regressed between two results (exit 1 when any did)

Run 'harness COMMAND -h' for the flags of a command.
Exit codes: 0 all SLOs met, 1 an SLO failed, 2 bad usage or scenario, 3 infrastructure failure.
`

// Run runs the harness command line.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageErr("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		return runCmd(ctx, rest, stdout, stderr)
	case "validate":
		return validateCmd(rest, stdout, stderr)
	case "list":
		return listCmd(rest, stdout, stderr)
	case "cleanup":
		return cleanupCmd(ctx, rest, stdout, stderr)
	case "compare":
		return compareCmd(rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageErr("unknown command %q; valid commands: run, validate, list, cleanup, compare", cmd)
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}
