package app

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/scenarios"
)

// Version is the harness's version; a release build sets it with
// -ldflags "-X github.com/harness-dev/harness/internal/app.Version=v1.2.3".
// Without it, the module version of the build (or "devel") is shown.
var Version = ""

func version() string {
	v := Version
	if v == "" {
		v = "devel"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	return fmt.Sprintf("harness %s (scenarios %s, Kubernetes %s by default, %s %s/%s)",
		v, scenarios.APIVersion, kind.DefaultKubernetesVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func newVersionCmd(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the harness's version",
		Args:  cobra.NoArgs,
		RunE: handler(func(*cobra.Command, []string) error {
			fmt.Fprintln(e.Out, version())
			return nil
		}),
	}
}
