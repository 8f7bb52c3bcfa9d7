package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host/table"
)

func newTableBuild(env *Env) *cobra.Command {
	var (
		tms       int
		weights   string
		profile   string
		param     float64
		partition int
		tmBits    int
		out       string
	)
	cmd := &cobra.Command{
		Use:   "build (--tms N | --weights W0,W1,... | --profile gaussian|rayleigh --tms N [--param SIGMA]) -o IMG",
		Short: "Build a table image from TM count, weights or a profile",
		Long: `Build one partition's allocation table and write it as an image.

Exactly one of:
  --tms N                 N TMs with equal shares (--tms 8 is the SPEC default table)
  --weights W0,W1,...     TM i gets the share Wi/sum(W); 0 gives a TM no entries
  --profile KIND --tms N  shares follow a density sampled at each TM (x = i + 0.5):
                          gaussian (mean at the centre TM) or rayleigh; --param is
                          sigma in TMs (default N/4)

Counts are the largest-remainder rounding of 4096*w/sum(w) (ties: lower TM id);
entries of each TM are interleaved over the index space. --tm-bits (default 8)
is the entry width recorded in the image; every TM id must fit in it.`,
		Example: `  flowsteer table build --tms 8 -o p0.img
  flowsteer table build --weights 1,1,2,4 --partition 1 --tm-bits 2 -o p1.img
  flowsteer table build --profile gaussian --tms 16 --param 3 -o shaped.img`,
		Args: tableArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, args []string) error {
			f := c.Flags()
			chosen := 0
			for _, name := range []string{"weights", "profile"} {
				if f.Changed(name) {
					chosen++
				}
			}
			if f.Changed("tms") && !f.Changed("profile") {
				chosen++
			}
			if chosen != 1 {
				return usageError("table build: give exactly one of --tms, --weights, --profile (with --tms)")
			}
			if f.Changed("profile") && !f.Changed("tms") {
				return usageError("table build: --profile needs --tms N")
			}
			if f.Changed("param") && !f.Changed("profile") {
				return usageError("table build: --param only applies to --profile")
			}
			if out == "" {
				return usageError("table build: -o IMG is required")
			}
			if partition < 0 || partition > table.MaxPartition {
				return usageError("table build: --partition %d out of range 0..%d", partition, table.MaxPartition)
			}
			if tmBits < 1 || tmBits > 8 {
				return usageError("table build: --tm-bits %d out of range 1..8", tmBits)
			}

			var w []float64
			var what string
			var err error
			switch {
			case f.Changed("weights"):
				if w, err = tableParseWeights(weights); err != nil {
					return usageError("table build: %v", err)
				}
				what = "weighted"
			case f.Changed("profile"):
				if w, err = table.ProfileWeights(profile, tms, param); err != nil {
					return usageError("table build: %v", err)
				}
				what = profile + " profile"
			default:
				if tms < 1 || tms > table.MaxTMs {
					return usageError("table build: --tms %d out of range 1..%d", tms, table.MaxTMs)
				}
				w = make([]float64, tms)
				for i := range w {
					w[i] = 1
				}
				what = "uniform"
			}
			tab, err := table.Weighted(w)
			if err != nil {
				return fmt.Errorf("table build: %v", err)
			}
			img := table.Image{Partition: uint8(partition), TMBits: uint8(tmBits), Table: tab}
			if err := table.WriteFile(out, img); err != nil {
				return fmt.Errorf("table build: %v", err)
			}
			st, err := table.Stats(tab, w)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "wrote %s: partition %d, tm-bits %d, %s over %d TMs, %s entries per TM, max deviation %.2f entries\n",
				out, partition, tmBits, what, len(w), tableCountRange(tab.Counts(len(w))), tableMaxAbsDeviation(st))
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&tms, "tms", 0, "number of TMs (1..256): equal shares, or the TMs of --profile")
	f.StringVar(&weights, "weights", "", "comma-separated TM weights W0,W1,...")
	f.StringVar(&profile, "profile", "", "share profile: gaussian or rayleigh (needs --tms)")
	f.Float64Var(&param, "param", 0, "profile sigma in TMs (default N/4)")
	f.IntVar(&partition, "partition", 0, "partition 0..3 recorded in the image")
	f.IntVar(&tmBits, "tm-bits", 8, "entry width in bits (1..8) recorded in the image")
	f.StringVarP(&out, "output", "o", "", "image file to write (required)")
	return cmd
}
