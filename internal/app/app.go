// Package app is the harness command line (spf13/cobra): it parses
// arguments, runs the commands through the public API (package harness and
// the public packages) and maps outcomes to exit codes. One file per
// command; each command's flags are a struct.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/harness-dev/harness/reports"
)

// Exit codes.
const (
	ExitOK        = reports.ExitPassed // every SLO met
	ExitFailed    = reports.ExitFailed // an SLO or assertion failed
	ExitUsage     = 2                  // bad usage or scenario
	ExitInfra     = reports.ExitError  // infrastructure failure (cluster could not start, precondition)
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

func infraErr(err error) error { return &ExitError{Code: ExitInfra, Err: err} }

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

// Streams are a command's standard input, output and error.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// env is what every command is given.
type env struct {
	Streams
	// undoes is set once a command that injects or reverts faults starts:
	// then a first signal cancels the context (the command reverts and
	// deletes what it made) instead of ending the process at once.
	undoes *atomic.Bool
}

// annotationUndoes marks the commands that have something to undo when
// interrupted.
const annotationUndoes = "harness.dev/undoes"

// Run runs the harness command line with args (without the program name).
func Run(ctx context.Context, args []string, s Streams) error {
	return run(ctx, args, env{Streams: s, undoes: &atomic.Bool{}})
}

func run(ctx context.Context, args []string, e env) error {
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(e.In)
	root.SetOut(e.Out)
	root.SetErr(e.Err)
	_, err := root.ExecuteContextC(ctx)
	if err == nil {
		return nil
	}
	var ee *ExitError
	if !errors.As(err, &ee) {
		// cobra's own errors: an unknown command, flag or argument count.
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%v; run 'harness --help' for usage", err)}
	}
	return err
}

// newRoot builds the command tree.
func newRoot(e env) *cobra.Command {
	root := &cobra.Command{
		Use:   "harness",
		Short: "Chaos tests for Kubernetes control planes on real kind clusters",
		Long: `harness runs declarative chaos scenarios against Kubernetes control planes on
real kind clusters, injects faults inside the nodes, records a timeline and
judges whether the self-healing components recovered within their SLOs.

Exit codes: 0 all SLOs met, 1 an SLO failed, 2 bad usage or scenario,
3 infrastructure failure or a run that could not be judged (inconclusive).`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version(),
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(e.Err)
			_ = cmd.Usage()
			return usageErr("no command given")
		},
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			if cmd.Annotations[annotationUndoes] != "" {
				e.undoes.Store(true)
			}
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErr("%s: %v; run 'harness %s --help' for its flags", cmd.Name(), err, cmd.Name())
	})
	root.SetVersionTemplate("{{.Version}}\n")
	root.AddCommand(newRunCmd(e), newValidateCmd(e), newListCmd(e), newCleanupCmd(e), newCompareCmd(e),
		newMergeCmd(e), newSchemaCmd(e), newVersionCmd(e))
	return root
}

// Main runs the command line as the harness program and returns its exit
// code. A first SIGINT or SIGTERM during a command that injects faults
// (run, cleanup) reverts them and deletes the cluster before exiting; a
// second exits at once. Any other command ends at once.
func Main(args []string) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	e := env{Streams: Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, undoes: &atomic.Bool{}}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	signalsReady()
	go func() {
		sig := <-sigs
		if !e.undoes.Load() {
			os.Exit(signalExit(sig))
		}
		fmt.Fprintf(e.Err, "\n%s: reverting faults and deleting the cluster; press Ctrl-C again to exit at once\n", sig)
		cancel(fmt.Errorf("received %s", sig))
		<-sigs
		fmt.Fprintln(e.Err, "exiting at once: run `harness cleanup` to undo what is left")
		os.Exit(signalExit(sig))
	}()
	err := run(ctx, args, e)
	if err != nil {
		fmt.Fprintln(e.Err, "harness:", err)
	}
	return ExitCode(err)
}

// signalsReady is called once Main handles signals (tests wait for it).
var signalsReady = func() {}

// signalExit is the shell's exit code for a process ended by sig.
func signalExit(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// handler adapts a command's function to cobra: an error that carries no
// exit code is an infrastructure failure.
func handler(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := f(cmd, args)
		var ee *ExitError
		if err != nil && !errors.As(err, &ee) {
			return infraErr(err)
		}
		return err
	}
}
