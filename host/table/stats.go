package table

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// TMStat is one TM's line of `table show`.
type TMStat struct {
	TM           int
	Count        int     // entries
	Share        float64 // Count / Size
	Ideal        float64 // Size * w / sum(w), in entries
	Deviation    float64 // Count - Ideal, in entries
	DeviationPct float64 // Deviation / Ideal * 100; 0 when Ideal is 0
}

// Stats compares the table's counts with the ideal shares of weights. With
// nil weights the ideal is an equal share for TMs 0..largest id present. A
// TM of the table beyond the weight list has ideal 0.
func Stats(t Table, weights []float64) ([]TMStat, error) {
	if weights == nil {
		n := t.MaxTM() + 1
		weights = make([]float64, n)
		for i := range weights {
			weights[i] = 1
		}
	}
	if err := validateWeights(weights); err != nil {
		return nil, err
	}
	counts := t.Counts(len(weights))
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	out := make([]TMStat, len(counts))
	for i, c := range counts {
		s := TMStat{TM: i, Count: c, Share: float64(c) / Size}
		if i < len(weights) {
			s.Ideal = Size * weights[i] / sum
		}
		s.Deviation = float64(c) - s.Ideal
		if s.Ideal != 0 {
			s.DeviationPct = s.Deviation / s.Ideal * 100
		}
		out[i] = s
	}
	return out, nil
}

// WriteStats prints stats as an aligned table.
func WriteStats(w io.Writer, stats []TMStat) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "tm\tentries\tshare\tideal\tdeviation\tdeviation %\t")
	for _, s := range stats {
		fmt.Fprintf(tw, "%d\t%d\t%.4f\t%.2f\t%+.2f\t%+.2f%%\t\n", s.TM, s.Count, s.Share, s.Ideal, s.Deviation, s.DeviationPct)
	}
	return tw.Flush()
}
