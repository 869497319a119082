package app

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/harness-dev/harness/scenarios"
)

// validateOptions are the flags of `harness validate`.
type validateOptions struct {
	params       []string
	nodeImage    string
	allowOutside bool
}

func newValidateCmd(e env) *cobra.Command {
	o := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate [flags] FILE|DIR|- ...",
		Short: "Check scenario files without a cluster",
		Long: `Check scenario files without a cluster: everything that can be checked
before a cluster exists (the format, names, durations, targets, cycles,
manifests and their placeholders, parameter values, a --node-image that
contradicts cluster.kubernetesVersion). Each argument is a scenario file, a
directory (its *.yaml files) or - (standard input).`,
		Example:           "  harness validate scenarios/\n  harness validate --param variant=bug scenarios/selfheal-hooks.yaml",
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: completeScenarios,
		RunE: handler(func(cmd *cobra.Command, args []string) error {
			return o.run(e, args)
		}),
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&o.params, "param", nil, "NAME=VALUE: a value for the scenario's parameter NAME, checked against its values (repeatable)")
	fs.StringVar(&o.nodeImage, "node-image", "", "the node image `harness run` will be given, checked against cluster.kubernetesVersion by its tag")
	fs.BoolVar(&o.allowOutside, "allow-manifests-outside", false, "let setup.manifests name files outside the scenario's folder")
	return cmd
}

func (o *validateOptions) run(e env, args []string) error {
	set, err := params(o.params)
	if err != nil {
		return err
	}
	if o.nodeImage != "" {
		if err := scenarios.ValidateImage(o.nodeImage); err != nil {
			return usageErr("validate: --node-image: %v", err)
		}
	}
	scs, err := loadAll(args, e.In, scenarios.Options{AllowManifestsOutside: o.allowOutside})
	if err != nil {
		return err
	}
	for _, sc := range scs {
		if err := checkScenario(sc, set, o.nodeImage); err != nil {
			return usageErr("validate: %v", err)
		}
	}
	for _, sc := range scs {
		fmt.Fprintf(e.Out, "%s: valid\n", sc.File)
	}
	return nil
}
