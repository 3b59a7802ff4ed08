package examplekit

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEllipsePoints: every point of the n-sigma ellipse has Mahalanobis
// distance n under the covariance (inverse of the 2x2 matrix in closed form).
func TestEllipsePoints(t *testing.T) {
	m := [2]float64{1, -2}
	sxx, sxy, syy := 4.0, -1.5, 1.0
	det := sxx*syy - sxy*sxy
	for _, n := range []float64{1, 2.146} {
		pts := EllipsePoints(m, sxx, sxy, syy, n)
		require.Len(t, pts, 121)
		for _, p := range pts {
			dx, dy := p.X-m[0], p.Y-m[1]
			d2 := (syy*dx*dx - 2*sxy*dx*dy + sxx*dy*dy) / det
			require.InDelta(t, n, math.Sqrt(d2), 1e-9, "Mahalanobis distance of %v", p)
		}
	}
}

// TestContoursAt: levels from a wide grid enclose the stated mass of a
// standard normal even when the plotted window cuts off most of it, and
// the picture decodes.
func TestContoursAt(t *testing.T) {
	f := func(x, y float64) float64 { return math.Exp(-(x*x+y*y)/2) / (2 * math.Pi) }
	big := SampleGrid(f, -8, 8, -8, 8, 321, 321)
	levels := MassLevels(big, []float64{0.9})
	want := math.Exp(2*math.Log(0.1)/2) / (2 * math.Pi) // r² = -2 log(0.1)
	require.InEpsilon(t, want, levels[0], 0.02, "90% level")
	small := SampleGrid(f, -1, 1, -1, 1, 41, 41)
	require.Greater(t, MassLevels(small, []float64{0.9})[0], 2*levels[0], "a cut window puts the level too high")

	p := NewPlot("t", "x", "y")
	require.NoError(t, ContoursAt(p, small, levels, Color(2), "90%"))
	require.Error(t, ContoursAt(p, small, nil, Color(2), "none"))
	g := SampleGrid(f, -3, 3, -3, 3, 61, 61)
	require.NoError(t, ContoursAt(p, g, levels, Color(3), ""))
	path, err := Save(p, t.TempDir(), "c.png", 3, 3)
	require.NoError(t, err)
	_, _, err = CheckImage(path)
	require.NoError(t, err)
}
