package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/internal/examplekit"
)

// klFigure is what `kldiv kl --plot/--plotly` draws: the three
// divergences of batch element 0 (with Monte Carlo standard errors where
// estimated) and, for univariate P and Q, their densities.
type klFigure struct {
	title  string
	names  []string
	values []float64
	errs   []float64 // 0 where analytic
	// Densities on a grid (nil unless both are univariate).
	x, pd, qd []float64
	discrete  bool
}

func newKLFigure(psrc, qsrc string, p, q dist.Distribution, batch []int, pq, qp, js divergence, seed uint64) klFigure {
	f := klFigure{title: fmt.Sprintf("P = %s, Q = %s", psrc, qsrc)}
	if n := numel(batch); n > 1 {
		f.title += fmt.Sprintf(" (batch element 0 of %d)", n)
	}
	f.names = []string{"KL(P || Q)", "KL(Q || P)", "JS(P, Q)"}
	for _, d := range []divergence{pq, qp, js} {
		f.values = append(f.values, d.value[0])
		se := 0.0
		if d.stderr != nil {
			se = d.stderr[0]
		}
		f.errs = append(f.errs, se)
	}
	pb, pe := p.Shape()
	qb, qe := q.Shape()
	if pe != 1 || qe != 1 || pb != 1 || qb != 1 {
		return f
	}
	// The grid spans the 0.5% to 99.5% quantiles of samples of both.
	rng := rand.New(rand.NewPCG(seed, 9))
	s := append(append([]float64(nil), p.Sample(rng, 20000).Value()...), q.Sample(rng, 20000).Value()...)
	sort.Float64s(s)
	lo, hi := s[len(s)/200], s[len(s)-1-len(s)/200]
	if !(hi > lo) {
		lo, hi = lo-1, hi+1
	}
	pad := 0.1 * (hi - lo)
	lo, hi = lo-pad, hi+pad
	f.discrete = p.Support().Discrete() && q.Support().Discrete()
	if f.discrete {
		lo, hi = math.Floor(lo), math.Ceil(hi)
		for x := lo; x <= hi && len(f.x) < 2000; x++ {
			f.x = append(f.x, x)
		}
	} else {
		const n = 400
		for i := range n {
			f.x = append(f.x, lo+(hi-lo)*float64(i)/(n-1))
		}
	}
	xs := ad.Col(f.x)
	for _, lp := range p.LogProb(xs).Value() {
		f.pd = append(f.pd, math.Exp(lp))
	}
	for _, lq := range q.LogProb(xs).Value() {
		f.qd = append(f.qd, math.Exp(lq))
	}
	return f
}

// save writes the figure to path as PNG, or SVG when svg is set or path
// ends in .svg.
func (f klFigure) save(path string, svg bool) error {
	bars := examplekit.NewPlot("Divergences (nats)", "", "nats")
	vals := make([]float64, len(f.values))
	for i, v := range f.values {
		vals[i] = v
		if math.IsInf(v, 1) {
			vals[i] = 0 // drawn as a label instead of a bar
		}
	}
	var errs []float64
	for _, e := range f.errs {
		if e > 0 {
			errs = f.errs
		}
	}
	if err := examplekit.Bars(bars, f.names, vals, errs, examplekit.Color(5)); err != nil {
		return err
	}
	labels := make([]string, len(f.values))
	pts := make(plotter.XYs, len(f.values))
	for i, v := range f.values {
		labels[i] = formatFloat(v, 4)
		if f.errs[i] > 0 {
			labels[i] += " ± " + formatFloat(f.errs[i], 2)
		}
		pts[i] = plotter.XY{X: float64(i), Y: vals[i] + f.errs[i]} // above the error bar
	}
	maxv := 0.0
	for i, v := range vals {
		maxv = math.Max(maxv, v+f.errs[i])
	}
	for i, v := range f.values {
		if math.IsInf(v, 1) {
			labels[i] = "+Inf"
			pts[i].Y = 0.5 * math.Max(maxv, 1e-3)
		}
	}
	lab, err := plotter.NewLabels(plotter.XYLabels{XYs: pts, Labels: labels})
	if err != nil {
		return err
	}
	for i := range lab.TextStyle {
		lab.TextStyle[i].XAlign = draw.XCenter
		lab.TextStyle[i].YAlign = draw.YBottom
	}
	bars.Add(lab)
	bars.Y.Min, bars.Y.Max = 0, math.Max(1.2*maxv, 1e-3)

	plots := []*plot.Plot{bars}
	if f.x != nil {
		dp := examplekit.NewPlot("Densities", "x", "density")
		if f.discrete {
			dp.Title.Text, dp.Y.Label.Text = "Probability mass", "probability"
			for i, d := range [][]float64{f.pd, f.qd} {
				if err := examplekit.Scatter(dp, examplekit.XYs(f.x, d), []string{"P", "Q"}[i], examplekit.Color(1+4*i), 2.5); err != nil {
					return err
				}
			}
		} else {
			for i, d := range [][]float64{f.pd, f.qd} {
				if err := examplekit.Line(dp, examplekit.XYs(f.x, d), []string{"P", "Q"}[i], examplekit.Color(1+4*i), i == 1); err != nil {
					return err
				}
			}
		}
		dp.Legend.Top = true // the tails are near zero at the bottom
		plots = append(plots, dp)
	}
	w, h := vg.Length(5*len(plots))*vg.Inch, 4.3*vg.Inch
	var canvas vg.CanvasWriterTo
	if svg || strings.EqualFold(filepath.Ext(path), ".svg") {
		canvas = vgsvg.New(w, h)
	} else {
		canvas = vgimg.PngCanvas{Canvas: vgimg.New(w, h)}
	}
	dc := draw.New(canvas)
	top := draw.Crop(dc, 0, 0, 0, -0.3*vg.Inch)
	title := draw.Crop(dc, 0, 0, h-0.3*vg.Inch, 0)
	title.FillText(draw.TextStyle{Color: examplekit.Color(0), Font: bars.Title.TextStyle.Font, XAlign: draw.XCenter, YAlign: draw.YCenter, Handler: bars.Title.TextStyle.Handler},
		vg.Point{X: w / 2, Y: h - 0.15*vg.Inch}, f.title)
	tiles := draw.Tiles{Rows: 1, Cols: len(plots), PadX: vg.Inch / 4}
	for i, p := range plots {
		p.Draw(tiles.At(top, i, 0))
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := canvas.WriteTo(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// plotly writes the figure as a Plotly JSON figure: a bar trace of the
// divergences (error bars where estimated) and, for univariate P and Q,
// their densities on a second pair of axes.
func (f klFigure) plotly(path string) error {
	num := func(v float64) any {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil // JSON has no Inf: null, as Plotly reads a gap
		}
		return v
	}
	ys := make([]any, len(f.values))
	es := make([]any, len(f.values))
	text := make([]string, len(f.values))
	for i, v := range f.values {
		ys[i], es[i] = num(v), f.errs[i]
		text[i] = formatFloat(v, 6)
	}
	data := []map[string]any{{
		"type": "bar", "name": "divergence (nats)", "x": f.names, "y": ys, "text": text,
		"error_y": map[string]any{"type": "data", "array": es, "visible": true},
		"xaxis":   "x", "yaxis": "y",
	}}
	layout := map[string]any{"title": map[string]any{"text": f.title}, "yaxis": map[string]any{"title": map[string]any{"text": "nats"}}}
	if f.x != nil {
		mode := "lines"
		if f.discrete {
			mode = "markers"
		}
		for i, d := range [][]float64{f.pd, f.qd} {
			data = append(data, map[string]any{"type": "scatter", "mode": mode, "name": []string{"P", "Q"}[i], "x": f.x, "y": d, "xaxis": "x2", "yaxis": "y2"})
		}
		layout["grid"] = map[string]any{"rows": 1, "columns": 2, "pattern": "independent"}
		layout["xaxis2"] = map[string]any{"title": map[string]any{"text": "x"}}
		layout["yaxis2"] = map[string]any{"title": map[string]any{"text": "density"}}
	}
	b, err := json.MarshalIndent(map[string]any{"data": data, "layout": layout}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
