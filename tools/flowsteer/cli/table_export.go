package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host/table"
)

func newTableExport(env *Env) *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "export IMG --format hex [-o FILE]",
		Short: "Export the entries for Verilog $readmemh",
		Long: `Export an image's 4096 entries as $readmemh hex: one line per entry, two
lowercase hex digits, entry 0 first. Written to FILE (atomically) or stdout.`,
		Example: `  flowsteer table export p0.img --format hex -o p0.hex
  flowsteer table export p0.img --format hex | head`,
		Args: tableArgs(1, "one image file"),
		RunE: func(c *cobra.Command, args []string) error {
			if format != "hex" {
				return usageError("table export: unknown --format %q (supported: hex)", format)
			}
			img, err := table.ReadFile(args[0])
			if err != nil {
				return err
			}
			if out == "" {
				return table.WriteHex(env.Stdout, img.Table)
			}
			if err := table.WriteHexFile(out, img.Table); err != nil {
				return fmt.Errorf("table export: %v", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "hex", "output format: hex")
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (default stdout)")
	return cmd
}
