package examplekit

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
)

func TestSummaryRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := NewSummary("x", Config{Quick: true, Seed: 7})
	s.Set("kl", 0.25)
	s.Set("inf", math.Inf(1))
	s.Set("xs", []float64{1, math.NaN()})
	s.AddFile("a.png")
	require.NoError(t, s.Save(dir))
	got, err := LoadSummary(dir)
	require.NoError(t, err)
	require.Equal(t, "x", got.Example)
	require.True(t, got.Quick)
	require.Equal(t, uint64(7), got.Seed)
	kl, ok := got.Float("kl")
	require.True(t, ok)
	require.InDelta(t, 0.25, kl, 0, "kl survives the round trip exactly")
	require.Equal(t, "+Inf", got.Values["inf"])
	require.Equal(t, []any{1.0, "NaN"}, got.Values["xs"])
	_, ok = got.Floats("xs") // "NaN" is a string after the round trip
	require.False(t, ok, "Floats of a list holding a non-number")
	s.Set("ys", []float64{0.5, -2})
	require.NoError(t, s.Save(dir))
	got, err = LoadSummary(dir)
	require.NoError(t, err)
	ys, ok := got.Floats("ys")
	require.True(t, ok, "Floats of a list of numbers")
	require.Equal(t, []float64{0.5, -2}, ys)
	_, ok = got.Floats("kl")
	require.False(t, ok, "Floats of a number")
	require.Equal(t, []string{"a.png"}, got.Files)
}

func TestBarDrawsAndSilent(t *testing.T) {
	var buf bytes.Buffer
	b := NewBar(&buf, "fit", 10)
	b.Describe("loss %.1f", 1.5)
	b.Add(10)
	b.Finish()
	out := buf.String()
	require.Contains(t, out, "100%")
	require.Contains(t, out, "10/10")
	require.Contains(t, out, "loss 1.5")
	require.True(t, strings.HasSuffix(out, "\n"))
	NewBar(nil, "silent", 3).Add(1) // must not panic
}

func TestMassLevels(t *testing.T) {
	// A standard normal on a fine grid: the level enclosing mass m is
	// exp(-r^2/2)/(2 pi) with r^2 = -2 log(1-m) (chi-square with 2 dof).
	g := SampleGrid(func(x, y float64) float64 {
		return math.Exp(-(x*x+y*y)/2) / (2 * math.Pi)
	}, -8, 8, -8, 8, 401, 401)
	levels := MassLevels(g, []float64{0.9, 0.5})
	require.Len(t, levels, 2)
	for i, m := range []float64{0.9, 0.5} { // ascending levels: 0.9 first
		r2 := -2 * math.Log(1-m)
		want := math.Exp(-r2/2) / (2 * math.Pi)
		require.InEpsilon(t, want, levels[i], 0.02, "level for mass %v", m)
	}
}

func TestPlotsDecode(t *testing.T) {
	dir := t.TempDir()
	p := NewPlot("t", "x", "y")
	require.NoError(t, Line(p, Curve(math.Sin, 0, 6, 100), "sin", Color(1), false))
	require.NoError(t, Scatter(p, XYs([]float64{1, 2}, []float64{0, 1}), "pts", Color(2), 2))
	require.NoError(t, Ellipse(p, [2]float64{1, 0}, 1, 0.5, 2, 2, Color(3), 1, "2 sd"))
	g := SampleGrid(func(x, y float64) float64 { return math.Exp(-(x*x + y*y)) }, -2, 2, -2, 2, 50, 50)
	require.NoError(t, Contours(p, g, []float64{0.5, 0.9}, Color(4), "density"))
	LegendTopLeft(p)
	path, err := Save(p, dir, "a.png", 4, 3)
	require.NoError(t, err)
	w, h, err := CheckImage(path)
	require.NoError(t, err)
	require.Equal(t, 4*96, w) // gonum's PNG default: 96 dpi
	require.Equal(t, 3*96, h)

	q := NewPlot("bars", "", "nats")
	require.NoError(t, Bars(q, []string{"a", "b"}, []float64{1, 2}, []float64{0.1, 0.2}, Color(5)))
	path, err = SaveGrid([][]*plot.Plot{{p, q}}, dir, "grid.png", 3, 3)
	require.NoError(t, err)
	_, _, err = CheckImage(path)
	require.NoError(t, err)

	img := ImageGrid([][]float64{{0, 1, 1, 0}, {1, 0, 0, 1}}, 2, 2, 1, 2, 4)
	path, err = SavePNG(img, dir, "digits.png")
	require.NoError(t, err)
	require.Equal(t, (2*3+1)*4, img.Bounds().Dx())
	_, _, err = CheckImage(path)
	require.Error(t, err, "a 28x12 image is too small to pass CheckImage")

	// A blank image fails CheckImage.
	blank := ImageGrid(nil, 28, 28, 2, 2, 1)
	path, err = SavePNG(blank, dir, "blank.png")
	require.NoError(t, err)
	_, _, err = CheckImage(path)
	require.ErrorContains(t, err, "single colour")
	_, _, err = CheckImage(filepath.Join(dir, "missing.png"))
	require.Error(t, err)
}
