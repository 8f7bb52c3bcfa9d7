package testbench

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/flowsteer/flowsteer/host/replay"
)

// tmLoad sums FORWARD frames per TM over the partitions (a TM is one
// traffic manager whichever partition's table points at it).
func tmLoad(s *replay.Summary) [256]uint64 {
	var l [256]uint64
	for p := range s.TMLoad {
		for tm, n := range s.TMLoad[p] {
			l[tm] += n
		}
	}
	return l
}

// WriteLoadPNG draws the per-TM load of the model and of the hardware side
// by side (two bars per TM that either side used).
func WriteLoadPNG(path, title string, model, hw *replay.Summary) error {
	ml, hl := tmLoad(model), tmLoad(hw)
	var tms []int
	for tm := range ml {
		if ml[tm] > 0 || hl[tm] > 0 {
			tms = append(tms, tm)
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "FORWARD frames"
	p.X.Label.Text = "TM"
	p.Y.Min = 0
	mv, hv := make(plotter.Values, len(tms)), make(plotter.Values, len(tms))
	names := make([]string, len(tms))
	top := 1.0
	for i, tm := range tms {
		mv[i], hv[i] = float64(ml[tm]), float64(hl[tm])
		names[i] = fmt.Sprint(tm)
		top = max(top, mv[i], hv[i])
	}
	if len(tms) == 0 {
		// An empty chart still needs one category to draw axes.
		mv, hv, names = plotter.Values{0}, plotter.Values{0}, []string{"none"}
	}
	w := vg.Points(max(2, min(14, 400/float64(len(names)+1))))
	mb, err := plotter.NewBarChart(mv, w)
	if err != nil {
		return fmt.Errorf("png: %v", err)
	}
	mb.Color = color.RGBA{R: 60, G: 110, B: 180, A: 255}
	mb.Offset = -w / 2
	hb, err := plotter.NewBarChart(hv, w)
	if err != nil {
		return fmt.Errorf("png: %v", err)
	}
	hb.Color = color.RGBA{R: 220, G: 120, B: 40, A: 255}
	hb.Offset = w / 2
	p.Add(mb, hb)
	p.Legend.Add("model", mb)
	p.Legend.Add("hardware (co-simulation)", hb)
	p.Legend.Top = true
	p.Y.Max = 1.15 * top
	if len(names) <= 32 {
		p.NominalX(names...)
	}
	width := max(6*vg.Inch, vg.Length(len(names))*2*w+vg.Inch)
	if err := p.Save(width, 4*vg.Inch, path); err != nil {
		return fmt.Errorf("png %s: %v", path, err)
	}
	return nil
}
