package examplekit

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ContoursAt adds contour lines of the grid g to p at the given density
// levels, in colour c. Use it with levels from MassLevels of a larger grid
// (one that holds essentially all of the density's mass) when the plotted
// window cuts off part of the mass: Contours would then compute its levels
// from the mass inside the window only and draw them too tight.
func ContoursAt(p *plot.Plot, g *Grid, levels []float64, c color.Color, label string) error {
	if len(levels) == 0 {
		return fmt.Errorf("examplekit: contours %q: no levels", label)
	}
	ct := plotter.NewContour(gridXYZ{g}, levels, constPalette{c: c, n: len(levels)})
	ct.LineStyles = []draw.LineStyle{{Color: c, Width: vg.Points(1.4)}}
	p.Add(ct)
	if label != "" {
		l, _ := plotter.NewLine(plotter.XYs{{X: g.X0, Y: g.Y0}, {X: g.X0, Y: g.Y0}})
		l.Color = c
		l.Width = vg.Points(1.8)
		p.Legend.Add(label, l)
	}
	return nil
}

// EllipsePoints returns the closed n-sigma ellipse of a 2-D Gaussian with
// mean m and covariance [[sxx, sxy], [sxy, syy]] (as Ellipse draws it), for
// drawing with Line, dashed or not.
func EllipsePoints(m [2]float64, sxx, sxy, syy, n float64) plotter.XYs {
	tr, det := sxx+syy, sxx*syy-sxy*sxy
	disc := math.Sqrt(math.Max(0, tr*tr/4-det))
	l1, l2 := tr/2+disc, math.Max(tr/2-disc, 0)
	theta := 0.5 * math.Atan2(2*sxy, sxx-syy)
	ct, st := math.Cos(theta), math.Sin(theta)
	a, b := n*math.Sqrt(l1), n*math.Sqrt(l2)
	pts := make(plotter.XYs, 121)
	for i := range pts {
		t := 2 * math.Pi * float64(i) / 120
		x, y := a*math.Cos(t), b*math.Sin(t)
		pts[i].X = m[0] + ct*x - st*y
		pts[i].Y = m[1] + st*x + ct*y
	}
	return pts
}
