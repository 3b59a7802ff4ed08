// Command gmm fits a Bayesian Gaussian mixture by coordinate-ascent VI
// (package mixture, scikit-learn's BayesianGaussianMixture semantics) to
// 2-D points, prints the components, the held-out mean log density and the
// effective number of components, and draws the fit.
//
//	go run ./examples/gmm                       # SPEC W5's data (10,000 points, K = 10)
//	go run ./examples/gmm -csv my.csv -k 6      # any CSV of 2-D points (header optional)
//	go run ./examples/gmm -covariance diag -prior dirichlet_process
//
// Pictures in -out: fit.png (the points with each component's 1- and
// 2-sigma ellipses, drawn more strongly the more weight the component has),
// bound.png (the lower bound per iteration) and weights.png (the posterior
// mean weights), plus summary.json.
//
// With -svi the same model is also fitted as a probabilistic program
// (mixture.FitSVI: package vi's Sample, Observe and Plate, the assignments
// summed out per point by elbo.TraceEnum, minibatch SVI), its ellipses are
// overlaid dashed on fit.png, svi_elbo.png shows its ELBO per step, and both
// held-out log densities and their gap are printed:
//
//	go run ./examples/gmm -svi
package main

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/kldiv/kldiv/internal/benchdata"
	"github.com/kldiv/kldiv/internal/examplekit"
	"github.com/kldiv/kldiv/mixture"
)

type options struct {
	CSV, TestCSV string
	K            int
	Covariance   string
	Prior        string
	MaxIter      int
	SVI          bool
	SVISteps     int
}

func main() {
	var o options
	cfg := examplekit.ParseFlags("gmm", os.Args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&o.CSV, "csv", "", "CSV of 2-D training points (default: SPEC W5's gmm.csv.gz if found, else simulated points)")
		fs.StringVar(&o.TestCSV, "test-csv", "", "CSV of held-out points (default: gmm_test.csv.gz beside -csv, else a 20% split)")
		fs.IntVar(&o.K, "k", 10, "number of components (an upper bound: the fit switches unneeded ones off)")
		fs.StringVar(&o.Covariance, "covariance", "full", "covariance type: full, tied, diag or spherical")
		fs.StringVar(&o.Prior, "prior", "dirichlet_distribution", "weight prior: dirichlet_distribution or dirichlet_process")
		fs.IntVar(&o.MaxIter, "max-iter", 500, "CAVI iterations at most")
		fs.BoolVar(&o.SVI, "svi", false, "also fit the model as a program by minibatch SVI (full covariances, Dirichlet prior) and overlay both fits")
		fs.IntVar(&o.SVISteps, "svi-steps", 4000, "SVI steps (-quick: at most 800)")
	})
	if err := run(cfg, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gmm:", err)
		os.Exit(1)
	}
}

func run(cfg examplekit.Config, o options, out io.Writer) error {
	sum := examplekit.NewSummary("gmm", cfg)
	train, test, source, err := loadData(cfg, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d training and %d held-out points (%s)\n", len(train)/2, len(test)/2, source)

	// scikit-learn's defaults, with SPEC W5's choices: a Dirichlet weight
	// prior with concentration 1/K, and 500 iterations at most.
	mc := mixture.NewConfig(o.K)
	if mc.Covariance, err = mixture.ParseCovarianceType(o.Covariance); err != nil {
		return err
	}
	switch o.Prior {
	case "dirichlet_distribution":
		mc.WeightPrior = mixture.DirichletDistribution
	case "dirichlet_process":
		mc.WeightPrior = mixture.DirichletProcess
	default:
		return fmt.Errorf("-prior %q: want dirichlet_distribution or dirichlet_process", o.Prior)
	}
	mc.MaxIter, mc.Seed = o.MaxIter, cfg.Seed
	t0 := time.Now()
	m, err := mixture.Fit(context.Background(), train, 2, mc)
	if err != nil {
		return err
	}
	elapsed := time.Since(t0)
	fmt.Fprintf(out, "CAVI: %d iterations in %.0f ms, converged %v, lower bound %.3f\n",
		m.NIter, float64(elapsed.Microseconds())/1000, m.Converged, m.LowerBound)

	// The components that carry weight. The others keep their prior: the
	// Dirichlet prior with a small concentration lets the posterior switch
	// components off instead of splitting clusters.
	fmt.Fprintln(out, "component  weight   mean              covariance")
	for k := range m.K {
		if m.Weights[k] <= 0.01 {
			continue
		}
		c := m.Covariances[k]
		fmt.Fprintf(out, "%9d  %6.4f  (%6.3f, %6.3f)  [[%6.3f %6.3f] [%6.3f %6.3f]]\n",
			k, m.Weights[k], m.Means[k][0], m.Means[k][1], c[0], c[1], c[2], c[3])
	}
	held := m.MeanLogDensity(test)
	eff := m.EffectiveComponents(0.01)
	fmt.Fprintf(out, "held-out mean log density %.5f nats, %d effective components (weight > 0.01)\n", held, eff)
	sum.Set("source", source)
	sum.Set("n_iter", m.NIter)
	sum.Set("converged", m.Converged)
	sum.Set("lower_bound", m.LowerBound)
	sum.Set("heldout_mean_loglik", held)
	sum.Set("effective_components", eff)
	sum.Set("weights", m.Weights)
	sum.Set("fit_ms", float64(elapsed.Microseconds())/1000)

	// The same model as a program, fitted by stochastic VI on minibatches
	// of 500 points: the assignments are not sampled but summed out per
	// point, so the only noise is the minibatch and the one draw of the
	// global latents per step.
	var sv *mixture.SVIResult
	if o.SVI {
		steps := o.SVISteps
		if cfg.Quick {
			steps = min(steps, 800)
		}
		bar := cfg.Progress("SVI", steps)
		t1 := time.Now()
		sv, err = mixture.FitSVI(context.Background(), train, 2, mc, mixture.SVIOptions{
			Steps:    steps,
			Progress: func(step int, _ float64) { bar.Set(step) },
		})
		bar.Finish()
		if err != nil {
			return err
		}
		sviMS := float64(time.Since(t1).Microseconds()) / 1000
		sh := sv.Mixture.MeanLogDensity(test)
		se := sv.Mixture.EffectiveComponents(0.01)
		fmt.Fprintf(out, "SVI: %d steps in %.0f ms, final ELBO estimate %.3f\n", steps, sviMS, sv.ELBO[len(sv.ELBO)-1])
		fmt.Fprintf(out, "held-out mean log density: CAVI %.5f, SVI %.5f, gap (SVI - CAVI) %+.5f nats; SVI has %d effective components\n",
			held, sh, sh-held, se)
		sum.Set("svi_steps", steps)
		sum.Set("svi_ms", sviMS)
		sum.Set("svi_heldout_mean_loglik", sh)
		sum.Set("svi_gap", sh-held)
		sum.Set("svi_effective_components", se)
		sum.Set("svi_weights", sv.Mixture.Weights)
	}

	files, err := pictures(cfg, m, sv, train)
	if err != nil {
		return err
	}
	for _, f := range files {
		sum.AddFile(f)
		fmt.Fprintln(out, "wrote", f)
	}
	return sum.Save(cfg.Out)
}

// loadData reads the training and held-out points, or simulates them.
func loadData(cfg examplekit.Config, o options) (train, test []float64, source string, err error) {
	path := o.CSV
	if path == "" {
		if dir := benchdata.Dir(); dir != "" {
			if _, err := os.Stat(filepath.Join(dir, "gmm.csv.gz")); err == nil {
				path = filepath.Join(dir, "gmm.csv.gz")
			}
		}
	}
	if path == "" {
		train, test = simulate(rand.New(rand.NewPCG(cfg.Seed, 7)), 8000), simulate(rand.New(rand.NewPCG(cfg.Seed, 8)), 2000)
		source = "simulated: five Gaussians"
	} else {
		var d int
		if train, d, _, err = mixture.ReadCSVFile(path); err != nil {
			return nil, nil, "", err
		}
		if d != 2 {
			return nil, nil, "", fmt.Errorf("%s has %d columns: this example draws 2-D points", path, d)
		}
		source = path
		tpath := o.TestCSV
		if tpath == "" && filepath.Base(path) == "gmm.csv.gz" {
			tpath = filepath.Join(filepath.Dir(path), "gmm_test.csv.gz")
		}
		if tpath != "" {
			if test, d, _, err = mixture.ReadCSVFile(tpath); err != nil {
				return nil, nil, "", err
			}
			if d != 2 {
				return nil, nil, "", fmt.Errorf("%s has %d columns, want 2", tpath, d)
			}
		} else {
			// Hold out every fifth point.
			var tr []float64
			for i := 0; i < len(train)/2; i++ {
				if i%5 == 4 {
					test = append(test, train[2*i:2*i+2]...)
				} else {
					tr = append(tr, train[2*i:2*i+2]...)
				}
			}
			train = tr
		}
	}
	if cfg.Quick {
		train = train[:min(len(train), 2*3000)]
	}
	return train, test, source, nil
}

// simulate draws n points from a fixed mixture of five Gaussians.
func simulate(rng *rand.Rand, n int) []float64 {
	w := []float64{0.35, 0.25, 0.2, 0.12, 0.08}
	mu := [][2]float64{{0, 0}, {5, 1}, {1, 6}, {6, 6}, {-4, 4}}
	l := [][3]float64{{1, 0.3, 0.8}, {0.6, -0.3, 1.2}, {1.3, 0.4, 0.5}, {0.7, 0, 0.7}, {0.5, 0.2, 1}}
	x := make([]float64, 0, 2*n)
	for range n {
		u, k := rng.Float64(), 0
		for k < len(w)-1 && u > w[k] {
			u -= w[k]
			k++
		}
		z0, z1 := rng.NormFloat64(), rng.NormFloat64()
		x = append(x, mu[k][0]+l[k][0]*z0, mu[k][1]+l[k][1]*z0+l[k][2]*z1)
	}
	return x
}

func pictures(cfg examplekit.Config, m *mixture.Mixture, sv *mixture.SVIResult, x []float64) ([]string, error) {
	var files []string
	// The points (at most 4,000, in light grey) and the ellipses.
	title := "Bayesian Gaussian mixture (CAVI): 1- and 2-sigma ellipses"
	if sv != nil {
		title = "CAVI (solid) and SVI (dashed): 1- and 2-sigma ellipses"
	}
	p := examplekit.NewPlot(title, "x0", "x1")
	n := len(x) / 2
	step := max(1, n/4000)
	var pts plotter.XYs
	for i := 0; i < n; i += step {
		pts = append(pts, plotter.XY{X: x[2*i], Y: x[2*i+1]})
	}
	if err := examplekit.Scatter(p, pts, "", examplekit.Fade(examplekit.Color(0), 0.18), 1); err != nil {
		return nil, err
	}
	wmax := 0.0
	for _, w := range m.Weights {
		wmax = math.Max(wmax, w)
	}
	ci := 1
	for k := range m.K {
		if m.Weights[k] <= 0.01 {
			continue
		}
		c := m.Covariances[k]
		// Opacity by weight: the heaviest component is drawn solid.
		col := examplekit.Fade(examplekit.Color(ci), 0.35+0.65*m.Weights[k]/wmax)
		label := fmt.Sprintf("component %d: w = %.3f", k, m.Weights[k])
		for _, s := range []float64{1, 2} {
			lab := ""
			if s == 1 {
				lab = label
			}
			if err := examplekit.Ellipse(p, [2]float64{m.Means[k][0], m.Means[k][1]}, c[0], c[1], c[3], s, col, 2.2-0.8*(s-1), lab); err != nil {
				return nil, err
			}
		}
		ci++
	}
	// The SVI fit: the same ellipses, dashed and black, so that where the
	// two fits agree the dashes lie on the coloured lines.
	if sv != nil {
		sm := sv.Mixture
		first := true
		for k := range sm.K {
			if sm.Weights[k] <= 0.01 {
				continue
			}
			c := sm.Covariances[k]
			for _, s := range []float64{1, 2} {
				lab := ""
				if first {
					lab = "SVI fit (dashed), all components"
					first = false
				}
				// Thin dashes, so the CAVI colours show between them.
				l, err := plotter.NewLine(examplekit.EllipsePoints([2]float64{sm.Means[k][0], sm.Means[k][1]}, c[0], c[1], c[3], s))
				if err != nil {
					return nil, err
				}
				l.Color, l.Width = color.Black, vg.Points(1)
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
				p.Add(l)
				if lab != "" {
					p.Legend.Add(lab, l)
				}
			}
		}
	}
	// The legend goes in the bottom-right corner, with the x axis widened
	// by a third so that it sits clear of the data.
	p.Legend.Top, p.Legend.Left = false, false
	p.X.Max += (p.X.Max - p.X.Min) / 3
	f, err := examplekit.Save(p, cfg.Out, "fit.png", 7, 6)
	if err != nil {
		return nil, err
	}
	files = append(files, f)

	// The lower bound per iteration: it never decreases (CAVI is
	// coordinate ascent); the first iteration is left out so the scale
	// shows the slow end.
	its := make([]float64, 0, len(m.LowerBounds))
	lbs := make([]float64, 0, len(m.LowerBounds))
	for i, lb := range m.LowerBounds {
		if i == 0 && len(m.LowerBounds) > 1 {
			continue
		}
		its = append(its, float64(i+1))
		lbs = append(lbs, lb)
	}
	p = examplekit.NewPlot("Lower bound per CAVI iteration", "iteration", "lower bound (nats, summed over points)")
	if err := examplekit.Line(p, examplekit.XYs(its, lbs), "", examplekit.Color(5), false); err != nil {
		return nil, err
	}
	if f, err = examplekit.Save(p, cfg.Out, "bound.png", 6, 4); err != nil {
		return nil, err
	}
	files = append(files, f)

	if sv != nil {
		// The SVI objective per step: a minibatch estimate of the ELBO of
		// the whole data set, noisy but rising to a plateau.
		steps := make([]float64, len(sv.ELBO))
		for i := range steps {
			steps[i] = float64(i + 1)
		}
		p = examplekit.NewPlot("SVI: ELBO estimate per step (minibatch, assignments enumerated)", "step", "ELBO (nats, whole data set)")
		from := len(steps) / 10 // the first steps dwarf the plateau
		if err := examplekit.Line(p, examplekit.XYs(steps[from:], sv.ELBO[from:]), "per step", examplekit.Fade(examplekit.Color(5), 0.35), false); err != nil {
			return nil, err
		}
		// A trailing mean over 50 steps shows the trend through the noise.
		avg := make([]float64, len(sv.ELBO))
		var run float64
		for i, v := range sv.ELBO {
			run += v
			if i >= 50 {
				run -= sv.ELBO[i-50]
			}
			avg[i] = run / float64(min(i+1, 50))
		}
		if err := examplekit.Line(p, examplekit.XYs(steps[from:], avg[from:]), "mean of the last 50 steps", color.Black, false); err != nil {
			return nil, err
		}
		// Room below the curve for the legend.
		p.Legend.Top, p.Legend.Left = false, false
		p.Y.Min -= (p.Y.Max - p.Y.Min) / 4
		if f, err = examplekit.Save(p, cfg.Out, "svi_elbo.png", 6, 4); err != nil {
			return nil, err
		}
		files = append(files, f)
	}

	names := make([]string, m.K)
	for k := range names {
		names[k] = fmt.Sprint(k)
	}
	p = examplekit.NewPlot("Posterior mean weights", "component", "weight")
	if err := examplekit.Bars(p, names, m.Weights, nil, examplekit.Color(5)); err != nil {
		return nil, err
	}
	if f, err = examplekit.Save(p, cfg.Out, "weights.png", 6, 3.5); err != nil {
		return nil, err
	}
	return append(files, f), nil
}
