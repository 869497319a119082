package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/harness-dev/harness/scenarios"
)

// stdinName names a scenario read from standard input ("-") in errors; its
// manifests are relative to the working directory.
const stdinName = "<stdin>"

// scenarioArgs expands the file arguments of run and validate: "-" is
// standard input (once), a directory is its *.yaml files (sorted, not
// recursive), anything else a scenario file.
func scenarioArgs(args []string) ([]string, error) {
	var out []string
	stdin := false
	for _, a := range args {
		if a == "-" {
			if stdin {
				return nil, usageErr("'-' (standard input) given twice")
			}
			stdin = true
			out = append(out, a)
			continue
		}
		st, err := os.Stat(a)
		if err != nil || !st.IsDir() {
			out = append(out, a) // Load reports what is wrong with it
			continue
		}
		files, err := filepath.Glob(filepath.Join(a, "*.yaml"))
		if err != nil {
			return nil, usageErr("%s: %v", a, err)
		}
		if len(files) == 0 {
			return nil, usageErr("%s holds no *.yaml scenario file", a)
		}
		sort.Strings(files)
		out = append(out, files...)
	}
	return out, nil
}

// loadAll decodes every scenario before anything runs, so a bad file costs
// no cluster; all their problems are reported together (exit 2).
func loadAll(args []string, stdin io.Reader, opts scenarios.Options) ([]*scenarios.Scenario, error) {
	files, err := scenarioArgs(args)
	if err != nil {
		return nil, err
	}
	var out []*scenarios.Scenario
	var errs []error
	for _, file := range files {
		sc, err := load(file, stdin, opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, sc)
	}
	if len(errs) > 0 {
		return nil, &ExitError{Code: ExitUsage, Err: errors.Join(errs...)}
	}
	return out, nil
}

func load(file string, stdin io.Reader, opts scenarios.Options) (*scenarios.Scenario, error) {
	if file != "-" {
		return opts.Load(file)
	}
	data, err := scenarios.ReadAll(stdinName, stdin)
	if err != nil {
		return nil, fmt.Errorf("read scenario from standard input: %w", err)
	}
	return opts.Decode(stdinName, data)
}

// completeScenarios completes file arguments with scenario files and
// directories.
func completeScenarios(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"yaml"}, cobra.ShellCompDirectiveFilterFileExt
}

// params parses --param NAME=VALUE flags.
func params(list []string) (map[string]string, error) {
	out := map[string]string{}
	for _, s := range list {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return nil, usageErr("--param %q: expected NAME=VALUE", s)
		}
		if old, dup := out[k]; dup {
			return nil, usageErr("--param %s given twice (%q and %q); expected each parameter once", k, old, v)
		}
		out[k] = v
	}
	return out, nil
}
