package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host/table"
)

func newTableDiff(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "diff A B",
		Short: "Entries that differ between two images, with per-TM in/out",
		Long: `Compare image A (before) with image B (after): how many of the 4096 entries
changed TM, and for every TM involved how many entries it lost (out) and
gained (in). Flows hashing to a moved entry change TM (unless flow state
pins them, SPEC 5).`,
		Example: `  flowsteer table diff p0.img p0-new.img`,
		Args:    tableArgs(2, "two image files"),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := table.ReadFile(args[0])
			if err != nil {
				return err
			}
			b, err := table.ReadFile(args[1])
			if err != nil {
				return err
			}
			if a.Partition != b.Partition || a.TMBits != b.TMBits {
				fmt.Fprintf(env.Stdout, "note: headers differ: partition %d -> %d, tm-bits %d -> %d\n",
					a.Partition, b.Partition, a.TMBits, b.TMBits)
			}
			d := table.Diff(a.Table, b.Table)
			fmt.Fprintf(env.Stdout, "moved %d of %d entries (%.2f%%)\n", d.Moved, table.Size, float64(d.Moved)*100/table.Size)
			if d.Moved == 0 {
				return nil
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "tm\tout\tin\tnet\t")
			for tm := range d.In {
				if d.In[tm] == 0 && d.Out[tm] == 0 {
					continue
				}
				fmt.Fprintf(tw, "%d\t%d\t%d\t%+d\t\n", tm, d.Out[tm], d.In[tm], d.In[tm]-d.Out[tm])
			}
			return tw.Flush()
		},
	}
}
