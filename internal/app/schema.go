package app

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/harness-dev/harness/scenarios"
)

func newSchemaCmd(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of scenario files (for editors)",
		Long: `Print the JSON Schema (draft 2020-12) of scenario files, built from the same
registries as decoding and 'harness list': every fault, trigger and assertion
type with its params. Editors with the YAML language server complete and
check a scenario file that starts with

  # yaml-language-server: $schema=PATH/TO/schema.json

(scenarios/schema.json in this repository is this output).`,
		Example: "  harness schema > scenario.schema.json",
		Args:    cobra.NoArgs,
		RunE: handler(func(*cobra.Command, []string) error {
			data, err := scenarios.Options{}.Schema()
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Out, "%s\n", data)
			return nil
		}),
	}
}
