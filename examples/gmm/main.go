// Command gmm fits a Bayesian Gaussian mixture by coordinate-ascent VI
// to SPEC W5's data (../shared/bench/data/gmm.csv.gz, or any CSV with
// -data), prints the components, the held-out mean log density and the
// effective number of components, and draws the fit.
//
//	go run ./examples/gmm [-quick] [-out DIR] [-seed N] [-data FILE.csv[.gz]] [-k 10]
package main

import (
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/kldiv/kldiv/internal/benchdata"
	"github.com/kldiv/kldiv/internal/examplekit"
	"github.com/kldiv/kldiv/mixture"
)

type options struct {
	Data, Test string
	K          int
	Tol        float64
}

func main() {
	var o options
	cfg := examplekit.ParseFlags("gmm", os.Args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&o.Data, "data", "", "training CSV (default: the W5 data gmm.csv.gz)")
		fs.StringVar(&o.Test, "test", "", "held-out CSV (default: gmm_test.csv.gz beside -data's default; none for -data)")
		fs.IntVar(&o.K, "k", 10, "maximum number of components")
		fs.Float64Var(&o.Tol, "tol", 1e-3, "stop when the lower bound changes by less than this")
	})
	if _, err := run(os.Stdout, cfg, o); err != nil {
		fmt.Fprintln(os.Stderr, "gmm:", err)
		os.Exit(1)
	}
}

// result is what run reports (also in summary.json).
type result struct {
	Heldout   float64
	Effective int
	NIter     int
	Converged bool
}

func run(w io.Writer, cfg examplekit.Config, o options) (*result, error) {
	// 1. Data: SPEC W5's 10,000 training and 2,000 held-out points in 2-D
	// from five Gaussians, or the user's CSV (one point per row).
	x, xt, d, err := load(cfg, o)
	if err != nil {
		return nil, err
	}
	if cfg.Quick {
		// A reduced run: the first 2,000 points.
		x = x[:min(len(x), 2000*d)]
	}
	// 2. The model: up to K components with a Dirichlet(1/K) weight prior,
	// so that the fit switches spare components off, full covariances and
	// scikit-learn's default Gaussian-Wishart prior (W5's settings).
	b := mixture.New(o.K)
	b.WeightPrior = mixture.DirichletDistribution
	b.MaxIter = 500
	b.Tol = o.Tol
	b.Seed = cfg.Seed
	m, err := b.Fit(x, d)
	if err != nil {
		return nil, err
	}
	// 3. Report: the components that carry weight, the held-out density
	// under the posterior point parameters.
	res := &result{NIter: m.NIter, Converged: m.Converged}
	fmt.Fprintf(w, "fit: %d points, d = %d, K = %d, %d iterations (converged %v), lower bound %.4f\n",
		len(x)/d, d, o.K, m.NIter, m.Converged, m.LowerBound)
	for k, wk := range m.Weights {
		if wk <= 0.01 {
			continue
		}
		res.Effective++
		fmt.Fprintf(w, "  component %d: weight %.4f mean %v\n", k, wk, round(m.Means[k*d:(k+1)*d]))
	}
	res.Heldout = m.MeanLogDensity(xt)
	fmt.Fprintf(w, "effective components (weight > 0.01): %d\n", res.Effective)
	fmt.Fprintf(w, "held-out mean log density: %.5f\n", res.Heldout)

	sum := examplekit.NewSummary("gmm", cfg)
	sum.Set("heldout_mean_loglik", res.Heldout)
	sum.Set("effective_components", res.Effective)
	sum.Set("n_iter", res.NIter)
	sum.Set("lower_bound", m.LowerBound)
	sum.Set("weights", m.Weights)
	if d == 2 {
		if err := plots(sum, cfg, m, x); err != nil {
			return nil, err
		}
	}
	return res, sum.Save(cfg.Out)
}

// plots draws the data with each component's 1- and 2-sigma ellipses
// (opacity by weight), the lower bound per iteration and the weights.
func plots(sum *examplekit.Summary, cfg examplekit.Config, m *mixture.Model, x []float64) error {
	p := examplekit.NewPlot("Bayesian GMM fit (CAVI): 1- and 2-sigma ellipses", "x0", "x1")
	pts := make(plotter.XYs, len(x)/2)
	for i := range pts {
		pts[i].X, pts[i].Y = x[2*i], x[2*i+1]
	}
	if err := examplekit.Scatter(p, pts, "", color.NRGBA{R: 90, G: 90, B: 90, A: 70}, 1); err != nil {
		return err
	}
	wmax := 0.0
	for _, wk := range m.Weights {
		wmax = max(wmax, wk)
	}
	for k, wk := range m.Weights {
		if wk < 1e-3 {
			continue
		}
		mean, cov := m.Component(k)
		c := examplekit.Fade(examplekit.Color(k), 0.25+0.75*wk/wmax)
		label := ""
		if wk > 0.01 {
			label = fmt.Sprintf("w=%.3f", wk)
		}
		for _, s := range []float64{1, 2} {
			l := label
			if s == 2 {
				l = ""
			}
			if err := examplekit.Ellipse(p, [2]float64{mean[0], mean[1]}, cov.At(0, 0), cov.At(0, 1), cov.At(1, 1), s, c, 2.5-0.8*s, l); err != nil {
				return err
			}
		}
	}
	if err := save(sum, p, cfg.Out, "ellipses.png", 6, 5); err != nil {
		return err
	}
	lb := examplekit.NewPlot("lower bound per iteration", "iteration", "lower bound (nats, constants dropped)")
	xs := make([]float64, len(m.LowerBounds))
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	if err := examplekit.Line(lb, examplekit.XYs(xs, m.LowerBounds), "", examplekit.Color(0), false); err != nil {
		return err
	}
	if err := save(sum, lb, cfg.Out, "lower_bound.png", 5, 3.5); err != nil {
		return err
	}
	bp := examplekit.NewPlot("posterior mean weights", "component", "weight")
	names := make([]string, m.K)
	for k := range names {
		names[k] = fmt.Sprint(k)
	}
	if err := examplekit.Bars(bp, names, m.Weights, nil, examplekit.Color(1)); err != nil {
		return err
	}
	return save(sum, bp, cfg.Out, "weights.png", 5, 3.5)
}

func save(sum *examplekit.Summary, p *plot.Plot, dir, name string, w, h float64) error {
	path, err := examplekit.Save(p, dir, name, w, h)
	if err != nil {
		return err
	}
	sum.AddFile(path)
	return nil
}

func load(cfg examplekit.Config, o options) (x, xt []float64, d int, err error) {
	if o.Data != "" {
		x, d, _, err = mixture.ReadCSVFile(o.Data)
		if err != nil {
			return nil, nil, 0, err
		}
		xt = x
		if o.Test != "" {
			var dt int
			xt, dt, _, err = mixture.ReadCSVFile(o.Test)
			if err == nil && dt != d {
				err = fmt.Errorf("%s has dimension %d, want %d", o.Test, dt, d)
			}
		}
		return x, xt, d, err
	}
	dir := benchdata.Dir()
	x, d, _, err = mixture.ReadCSVFile(filepath.Join(dir, "gmm.csv.gz"))
	if err != nil {
		return nil, nil, 0, fmt.Errorf("%w (set %s or use -data)", err, benchdata.EnvDir)
	}
	xt, _, _, err = mixture.ReadCSVFile(filepath.Join(dir, "gmm_test.csv.gz"))
	return x, xt, d, err
}

func round(v []float64) []float64 {
	r := make([]float64, len(v))
	for i, a := range v {
		r[i] = math.Round(a*1000) / 1000
	}
	return r
}
