package cli

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/flowsteer/flowsteer/host/replay"
)

// writePccPNG draws the three shares pcc compares: established connections
// moved with flow state off and on, and buckets moved by the change.
func writePccPNG(rep *replay.ConsistencyReport, path string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Table change at frame %d (flow table %d x %d)", rep.ChangeFrame, rep.Sets, rep.Ways)
	p.Y.Label.Text = "percent"
	p.Y.Min = 0
	values := plotter.Values{
		100 * rep.MovedShare(rep.MovedOff),
		100 * rep.MovedShare(rep.MovedOn),
		100 * rep.BucketShare(),
	}
	bars, err := plotter.NewBarChart(values, vg.Points(40))
	if err != nil {
		return fmt.Errorf("png: %v", err)
	}
	bars.Color = color.RGBA{R: 60, G: 110, B: 180, A: 255}
	p.Add(bars)
	p.NominalX(
		fmt.Sprintf("moved, flow state off\n%d of %d", rep.MovedOff, rep.Established),
		fmt.Sprintf("moved, flow state on\n%d of %d", rep.MovedOn, rep.Established),
		fmt.Sprintf("buckets moved\n%d of 4096", rep.BucketsMoved))
	// Headroom above the tallest bar; an all-zero chart still needs a scale.
	p.Y.Max = max(1, 1.1*max(values[0], values[1], values[2]))
	if err := p.Save(6*vg.Inch, 4*vg.Inch, path); err != nil {
		return fmt.Errorf("png %s: %v", path, err)
	}
	return nil
}
