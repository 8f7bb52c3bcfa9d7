package cli

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host/table"
)

// The table command family: build, show, diff, rebalance and export of
// allocation table images (docs/image-format.md). Each subcommand lives in
// its own table_<sub>.go file; this one groups them.
func init() {
	register("table", func(env *Env) *cobra.Command {
		cmd := &cobra.Command{
			Use:   "table",
			Short: "Build, inspect, compare, rebalance and export allocation table images",
			Long: `An allocation table maps the 12 low bits of a frame's Toeplitz hash to a
traffic manager (TM): tm = table[partition][hash & 0xfff] (SPEC 3). A table
image holds one partition's 4096 entries with a CRC (docs/image-format.md).

Entry counts are the largest-remainder rounding of the weights (never a whole
entry from ideal) and each TM's entries are interleaved over the index space.`,
			Example: `  flowsteer table build --tms 8 -o p0.img
  flowsteer table show p0.img
  flowsteer table rebalance p0.img --weights 1,1,1,1,1,1,1,1,2 -o p0-new.img
  flowsteer table diff p0.img p0-new.img
  flowsteer table export p0-new.img --format hex -o p0.hex`,
			Args: func(c *cobra.Command, args []string) error {
				if len(args) > 0 {
					return usageError("table: unknown subcommand %q (want build, show, diff, rebalance or export)", args[0])
				}
				return nil
			},
			RunE: func(c *cobra.Command, args []string) error {
				return usageError("table: missing subcommand (build, show, diff, rebalance or export; see flowsteer table --help)")
			},
		}
		cmd.AddCommand(newTableBuild(env), newTableShow(env), newTableDiff(env),
			newTableRebalance(env), newTableExport(env))
		return cmd
	})
}

// tableArgs is cobra.ExactArgs with a usage error (exit 2) naming the
// expected operands.
func tableArgs(n int, names string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError("%s: want %s, got %d argument(s) (see %s --help)", c.CommandPath(), names, len(args), c.CommandPath())
		}
		return nil
	}
}

// tableParseWeights reads "w0,w1,...": non-negative finite numbers.
func tableParseWeights(s string) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("--weights is empty")
	}
	parts := strings.Split(s, ",")
	w := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, fmt.Errorf("--weights: item %d (%q) is not a non-negative number", i+1, p)
		}
		w[i] = v
	}
	return w, nil
}

// tableCountRange summarises counts as "min..max" over the TMs listed.
func tableCountRange(counts []int) string {
	lo, hi := math.MaxInt, 0
	for _, c := range counts {
		lo, hi = min(lo, c), max(hi, c)
	}
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d..%d", lo, hi)
}

// tableMaxAbsDeviation is the largest |count - ideal| in entries.
func tableMaxAbsDeviation(st []table.TMStat) float64 {
	m := 0.0
	for _, s := range st {
		m = max(m, math.Abs(s.Deviation))
	}
	return m
}
