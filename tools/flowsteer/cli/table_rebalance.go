package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host/table"
)

func newTableRebalance(env *Env) *cobra.Command {
	var (
		weights string
		out     string
		tmBits  int
	)
	cmd := &cobra.Command{
		Use:   "rebalance IMG --weights W0,W1,... -o NEW",
		Short: "Move the fewest entries to reach new TM weights",
		Long: `Rebalance an image to new weights, moving only entries of TMs that have too
many to TMs that have too few. The new counts are the largest-remainder counts
of the weights; exactly sum(max(0, old - new)) entries move (the minimum), so
flows on every other entry keep their TM.

Add a TM with a longer list, remove one with weight 0, reweight by changing a
weight. The partition and TM width are kept unless --tm-bits is given; every
TM id must fit in the width.`,
		Example: `  # add a ninth TM to the default 8
  flowsteer table rebalance p0.img --weights 1,1,1,1,1,1,1,1,1 -o p0-9.img
  # take TM 3 out of service
  flowsteer table rebalance p0.img --weights 1,1,1,0,1,1,1,1 -o p0-no3.img`,
		Args: tableArgs(1, "one image file"),
		RunE: func(c *cobra.Command, args []string) error {
			if !c.Flags().Changed("weights") {
				return usageError("table rebalance: --weights is required")
			}
			if out == "" {
				return usageError("table rebalance: -o NEW is required")
			}
			w, err := tableParseWeights(weights)
			if err != nil {
				return usageError("table rebalance: %v", err)
			}
			img, err := table.ReadFile(args[0])
			if err != nil {
				return err
			}
			if c.Flags().Changed("tm-bits") {
				if tmBits < 1 || tmBits > 8 {
					return usageError("table rebalance: --tm-bits %d out of range 1..8", tmBits)
				}
				img.TMBits = uint8(tmBits)
			}
			next, moved, minimum, err := table.Rebalance(img.Table, w)
			if err != nil {
				return fmt.Errorf("table rebalance: %v", err)
			}
			img.Table = next
			if err := table.WriteFile(out, img); err != nil {
				return fmt.Errorf("table rebalance: %s: %v", out, err)
			}
			ratio := 1.0
			if minimum > 0 {
				ratio = float64(moved) / float64(minimum)
			}
			fmt.Fprintf(env.Stdout, "moved %d entries (minimum %d, ratio %.3f)\n", moved, minimum, ratio)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&weights, "weights", "", "new comma-separated TM weights (required)")
	f.StringVarP(&out, "output", "o", "", "image file to write (required)")
	f.IntVar(&tmBits, "tm-bits", 0, "entry width of the new image (default: keep)")
	return cmd
}
