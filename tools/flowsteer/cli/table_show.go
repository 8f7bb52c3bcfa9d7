package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host/table"
)

func newTableShow(env *Env) *cobra.Command {
	var weights string
	cmd := &cobra.Command{
		Use:   "show IMG",
		Short: "Per-TM entry counts, shares and deviation from the ideal share",
		Long: `Print an image's partition and TM width, then for every TM: its entries, its
share of the 4096, the ideal number of entries and the deviation from it (in
entries and percent). The ideal is an equal share over TMs 0..highest id in
the table, or the shares of --weights.`,
		Example: `  flowsteer table show p0.img
  flowsteer table show p1.img --weights 1,1,2,4`,
		Args: tableArgs(1, "one image file"),
		RunE: func(c *cobra.Command, args []string) error {
			img, err := table.ReadFile(args[0])
			if err != nil {
				return err
			}
			var w []float64
			if c.Flags().Changed("weights") {
				if w, err = tableParseWeights(weights); err != nil {
					return usageError("table show: %v", err)
				}
			}
			st, err := table.Stats(img.Table, w)
			if err != nil {
				return fmt.Errorf("table show: %v", err)
			}
			fmt.Fprintf(env.Stdout, "%s: partition %d, tm-bits %d, %d TMs, max deviation %.2f entries\n",
				args[0], img.Partition, img.TMBits, len(st), tableMaxAbsDeviation(st))
			return table.WriteStats(env.Stdout, st)
		},
	}
	cmd.Flags().StringVar(&weights, "weights", "", "compare with these TM weights instead of equal shares")
	return cmd
}
