package examplekit

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Palette is the Okabe-Ito colour-blind-safe palette, black first. Examples
// use Color(i) so that a method has the same colour in every panel.
var Palette = []color.RGBA{
	{0, 0, 0, 255},       // black: targets, references, data
	{230, 159, 0, 255},   // orange
	{86, 180, 233, 255},  // sky blue
	{0, 158, 115, 255},   // bluish green
	{213, 94, 0, 255},    // vermillion
	{0, 114, 178, 255},   // blue
	{204, 121, 167, 255}, // reddish purple
	{240, 228, 66, 255},  // yellow (weak on white: last)
}

// Color returns colour i of Palette, cycling.
func Color(i int) color.RGBA { return Palette[((i%len(Palette))+len(Palette))%len(Palette)] }

// Fade returns c with alpha a in [0, 1].
func Fade(c color.RGBA, a float64) color.NRGBA {
	return color.NRGBA{R: c.R, G: c.G, B: c.B, A: uint8(math.Round(255 * math.Max(0, math.Min(1, a))))}
}

// NewPlot returns a plot with a title, axis labels, light grid lines and
// slightly larger fonts than gonum's defaults, which read small in a PNG.
func NewPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.TextStyle.Font.Size = vg.Points(11)
	p.Y.Label.TextStyle.Font.Size = vg.Points(11)
	p.X.Tick.Label.Font.Size = vg.Points(9)
	p.Y.Tick.Label.Font.Size = vg.Points(9)
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	g := plotter.NewGrid()
	g.Horizontal.Color = color.Gray{Y: 225}
	g.Vertical.Color = color.Gray{Y: 225}
	p.Add(g)
	return p
}

// Curve samples f at n equally spaced points of [lo, hi].
func Curve(f func(float64) float64, lo, hi float64, n int) plotter.XYs {
	n = max(n, 2)
	pts := make(plotter.XYs, n)
	for i := range pts {
		x := lo + (hi-lo)*float64(i)/float64(n-1)
		pts[i].X, pts[i].Y = x, f(x)
	}
	return pts
}

// XYs pairs xs with ys (they must have the same length; XYs panics
// otherwise).
func XYs(xs, ys []float64) plotter.XYs {
	if len(xs) != len(ys) {
		panic(fmt.Sprintf("examplekit: %d x values against %d y values", len(xs), len(ys)))
	}
	pts := make(plotter.XYs, len(xs))
	for i := range xs {
		pts[i].X, pts[i].Y = xs[i], ys[i]
	}
	return pts
}

// Line adds a line through pts in colour c to p, dashed if asked, with a
// legend entry when label is not empty.
func Line(p *plot.Plot, pts plotter.XYer, label string, c color.Color, dashed bool) error {
	l, err := plotter.NewLine(pts)
	if err != nil {
		return fmt.Errorf("examplekit: line %q: %w", label, err)
	}
	l.Color = c
	l.Width = vg.Points(1.8)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
	}
	p.Add(l)
	if label != "" {
		p.Legend.Add(label, l)
	}
	return nil
}

// Scatter adds points in colour c with radius r points to p, with a legend
// entry when label is not empty.
func Scatter(p *plot.Plot, pts plotter.XYer, label string, c color.Color, r float64) error {
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return fmt.Errorf("examplekit: scatter %q: %w", label, err)
	}
	s.GlyphStyle.Color = c
	s.GlyphStyle.Radius = vg.Points(r)
	s.GlyphStyle.Shape = draw.CircleGlyph{}
	p.Add(s)
	if label != "" {
		p.Legend.Add(label, s)
	}
	return nil
}

// Ellipse adds the n-sigma ellipse of a 2-D Gaussian with mean m and
// covariance [[sxx, sxy], [sxy, syy]] to p as a closed line. The ellipse is
// the image of the unit circle under n times the symmetric square root of
// the covariance (eigen-decomposition of the 2x2 matrix in closed form).
func Ellipse(p *plot.Plot, m [2]float64, sxx, sxy, syy, n float64, c color.Color, width float64, label string) error {
	pts := EllipsePoints(m, sxx, sxy, syy, n)
	l, err := plotter.NewLine(pts)
	if err != nil {
		return fmt.Errorf("examplekit: ellipse: %w", err)
	}
	l.Color = c
	l.Width = vg.Points(width)
	p.Add(l)
	if label != "" {
		p.Legend.Add(label, l)
	}
	return nil
}

// Grid is a function sampled on a regular 2-D grid; it implements
// plotter.GridXYZ for contours and heat maps.
type Grid struct {
	X0, X1, Y0, Y1 float64
	NX, NY         int
	Z              []float64 // NY rows of NX values, row r at y = Y0 + r*dy
}

// SampleGrid evaluates f on an nx by ny grid over [x0, x1] x [y0, y1].
func SampleGrid(f func(x, y float64) float64, x0, x1, y0, y1 float64, nx, ny int) *Grid {
	g := &Grid{X0: x0, X1: x1, Y0: y0, Y1: y1, NX: nx, NY: ny, Z: make([]float64, nx*ny)}
	for r := range ny {
		for c := range nx {
			g.Z[r*nx+c] = f(g.X(c), g.Y(r))
		}
	}
	return g
}

// Dims returns the grid's columns and rows.
func (g *Grid) Dims() (c, r int) { return g.NX, g.NY }

// Value returns the value at column c, row r.
func (g *Grid) Value(c, r int) float64 { return g.Z[r*g.NX+c] }

// X returns the x coordinate of column c.
func (g *Grid) X(c int) float64 { return g.X0 + (g.X1-g.X0)*float64(c)/float64(max(g.NX-1, 1)) }

// Y returns the y coordinate of row r.
func (g *Grid) Y(r int) float64 { return g.Y0 + (g.Y1-g.Y0)*float64(r)/float64(max(g.NY-1, 1)) }

// gridXYZ adapts Grid to plotter.GridXYZ (whose method is Z, a name Grid
// uses for its data).
type gridXYZ struct{ *Grid }

func (g gridXYZ) Z(c, r int) float64 { return g.Grid.Value(c, r) }

// Contours adds contour lines of the density grid g to p at the levels that
// enclose the given probability masses (for example 0.5, 0.9, 0.99), all in
// colour c, so that two densities drawn on one plot compare at equal masses.
// The levels come from the grid itself: sort the cell masses, accumulate.
func Contours(p *plot.Plot, g *Grid, masses []float64, c color.Color, label string) error {
	levels := MassLevels(g, masses)
	if len(levels) == 0 {
		return fmt.Errorf("examplekit: contours %q: the density is zero on the whole grid", label)
	}
	pal := constPalette{c: c, n: len(levels)}
	ct := plotter.NewContour(gridXYZ{g}, levels, pal)
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

// MassLevels returns, for each mass in masses, the density level whose
// super-level set holds that fraction of the grid's total mass, ascending.
func MassLevels(g *Grid, masses []float64) []float64 {
	vals := make([]float64, 0, len(g.Z))
	total := 0.0
	for _, z := range g.Z {
		if z > 0 && !math.IsInf(z, 0) {
			vals = append(vals, z)
			total += z
		}
	}
	if total == 0 {
		return nil
	}
	sortDesc(vals)
	var levels []float64
	for _, m := range masses {
		acc := 0.0
		for _, v := range vals {
			acc += v
			if acc >= m*total {
				levels = append(levels, v)
				break
			}
		}
	}
	slices.Sort(levels)
	return levels
}

type constPalette struct {
	c color.Color
	n int
}

func (p constPalette) Colors() []color.Color {
	out := make([]color.Color, max(p.n, 1))
	for i := range out {
		out[i] = p.c
	}
	return out
}

// Bars adds a bar chart of values with optional error bars (errs may be nil)
// at positions 0, 1, ... labelled by names on the x axis.
func Bars(p *plot.Plot, names []string, values, errs []float64, c color.Color) error {
	b, err := plotter.NewBarChart(plotter.Values(values), vg.Points(28))
	if err != nil {
		return fmt.Errorf("examplekit: bars: %w", err)
	}
	b.Color = c
	b.LineStyle.Width = 0
	p.Add(b)
	p.NominalX(names...)
	if errs != nil {
		pts := make(plotter.XYs, len(values))
		yerr := make(plotter.YErrors, len(values))
		for i := range values {
			pts[i].X, pts[i].Y = float64(i), values[i]
			yerr[i].Low, yerr[i].High = errs[i], errs[i]
		}
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{pts, yerr})
		if err != nil {
			return fmt.Errorf("examplekit: error bars: %w", err)
		}
		eb.LineStyle.Width = vg.Points(1.2)
		p.Add(eb)
	}
	return nil
}

// Save writes p to dir/name at w x h inches; the format follows the
// extension (.png, .svg, .pdf). It returns the path written.
func Save(p *plot.Plot, dir, name string, w, h float64) (string, error) {
	path := filepath.Join(dir, name)
	if err := p.Save(vg.Length(w)*vg.Inch, vg.Length(h)*vg.Inch, path); err != nil {
		return "", fmt.Errorf("examplekit: saving %s: %w", path, err)
	}
	return path, nil
}

// SaveGrid draws plots as a rows x cols grid of panels (plots[r][c]; a nil
// entry leaves its panel empty) of panelW x panelH inches each into
// dir/name (PNG) and returns the path written.
func SaveGrid(plots [][]*plot.Plot, dir, name string, panelW, panelH float64) (string, error) {
	rows := len(plots)
	if rows == 0 {
		return "", fmt.Errorf("examplekit: SaveGrid %s: no plots", name)
	}
	cols := len(plots[0])
	img := vgimg.New(vg.Length(panelW*float64(cols))*vg.Inch, vg.Length(panelH*float64(rows))*vg.Inch)
	dc := draw.New(img)
	t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(6), PadY: vg.Points(6),
		PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(4)}
	canvases := plot.Align(plots, t, dc)
	for r := range plots {
		for c := range plots[r] {
			if plots[r][c] != nil {
				plots[r][c].Draw(canvases[r][c])
			}
		}
	}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("examplekit: %w", err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return "", fmt.Errorf("examplekit: writing %s: %w", path, err)
	}
	return path, f.Close()
}

// ImageGrid tiles gray images (each h x w values in [0, 1], row-major) into
// one picture of rows x cols tiles separated by a 1-pixel gap and scaled up
// by an integer zoom: MNIST digits, reconstructions, samples.
func ImageGrid(images [][]float64, h, w, rows, cols, zoom int) *image.Gray {
	zoom = max(zoom, 1)
	W, H := cols*(w+1)+1, rows*(h+1)+1
	img := image.NewGray(image.Rect(0, 0, W*zoom, H*zoom))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	for k, im := range images {
		if k >= rows*cols {
			break
		}
		r0, c0 := (k/cols)*(h+1)+1, (k%cols)*(w+1)+1
		for y := range h {
			for x := range w {
				v := uint8(math.Round(255 * math.Max(0, math.Min(1, im[y*w+x]))))
				for dy := range zoom {
					for dx := range zoom {
						img.SetGray((c0+x)*zoom+dx, (r0+y)*zoom+dy, color.Gray{Y: v})
					}
				}
			}
		}
	}
	return img
}

// SavePNG writes img to dir/name and returns the path.
func SavePNG(img image.Image, dir, name string) (string, error) {
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("examplekit: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return "", fmt.Errorf("examplekit: writing %s: %w", path, err)
	}
	return path, f.Close()
}

// CheckImage decodes the PNG at path and returns its size; tests use it to
// check that a picture was written and is readable. It fails on an image
// smaller than 50 x 50 pixels or of one colour only (an empty plot).
func CheckImage(path string) (w, h int, err error) {
	if !strings.HasSuffix(path, ".png") {
		return 0, 0, fmt.Errorf("examplekit: %s is not a .png", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0, 0, fmt.Errorf("examplekit: decoding %s: %w", path, err)
	}
	b := img.Bounds()
	if b.Dx() < 50 || b.Dy() < 50 {
		return b.Dx(), b.Dy(), fmt.Errorf("examplekit: %s is only %dx%d pixels", path, b.Dx(), b.Dy())
	}
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, _ := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bb != b0 {
				return b.Dx(), b.Dy(), nil
			}
		}
	}
	return b.Dx(), b.Dy(), fmt.Errorf("examplekit: %s is a single colour", path)
}

// LegendTopLeft moves p's legend into the top-left corner, with a white
// background so that it stays readable over data.
func LegendTopLeft(p *plot.Plot) {
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), -vg.Points(4)
}

// TitleSize sets the title's font size in points (panels in a grid read
// better with a smaller title).
func TitleSize(p *plot.Plot, pt float64) { p.Title.TextStyle.Font.Size = font.Length(pt) }

func sortDesc(v []float64) {
	slices.Sort(v)
	slices.Reverse(v)
}
