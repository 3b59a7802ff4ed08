// Command eightschools fits the eight-schools model (Rubin 1981; BDA3 §5.5)
// in its centered and non-centered forms with three Gaussian families
// (mean-field, full-rank, Laplace) and compares every fit with the
// posteriordb reference posterior (10,000 Stan NUTS draws).
//
// The centered form, theta_j ~ N(mu, tau), has a funnel: as tau shrinks,
// the thetas are squeezed together, so the posterior's width in theta
// changes by orders of magnitude along log tau. A Gaussian in (theta, log
// tau) cannot follow that shape: a converged mean-field fit sits in the
// mouth of the funnel, misses the neck of small tau altogether and reports
// far too small an sd of tau. The non-centered form, theta_j = mu + tau eta_j with
// eta_j ~ N(0, 1), is the same posterior written in coordinates where the
// funnel is gone, and a Gaussian fits it well. The PSIS k-hat of each fit
// says which fits can be trusted without the reference.
//
//	go run ./examples/eightschools -out out/eightschools
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/internal/examplekit"
	"github.com/kldiv/kldiv/models/posteriordb"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

func main() {
	cfg := examplekit.ParseFlags("eightschools", os.Args[1:], nil)
	if _, err := run(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "eightschools:", err)
		os.Exit(1)
	}
}

// fit is one fitted approximation.
type fit struct {
	label  string // "non-centered, full-rank"
	key    string // "noncentered_fullrank", for summary.json
	colour int
	res    *vi.Result
	ref    *posteriordb.Posterior
}

func run(cfg examplekit.Config, w io.Writer) (*examplekit.Summary, error) {
	sum := examplekit.NewSummary("eightschools", cfg)
	steps, draws := 10000, 10000
	if cfg.Quick {
		steps, draws = 2000, 4000
	}

	// The two posteriors come with kldiv (models/posteriordb): data, the
	// log-density over Stan's unconstrained coordinates
	// z = (theta or eta [8], mu, log tau), and the reference summaries.
	forms := []struct {
		name, key, label string
		colours          []int // per guide
	}{
		{"eight_schools-eight_schools_centered", "centered", "centered", []int{4, 6, 7}},
		{"eight_schools-eight_schools_noncentered", "noncentered", "non-centered", []int{1, 5, 3}},
	}
	// The three families. Laplace is the Gaussian at the mode with the
	// inverse Hessian as covariance, kept as it is (no VI steps); the
	// centered density has no mode (it grows without bound as tau -> 0 with
	// all thetas equal), so L-BFGS fails there, which is itself a warning.
	guides := []struct {
		key, label string
		make       func() vi.Guide
		steps      bool
	}{
		{"meanfield", "mean-field", func() vi.Guide { return autoguide.Normal() }, true},
		{"fullrank", "full-rank", func() vi.Guide { return autoguide.MultivariateNormal() }, true},
		{"laplace", "Laplace", func() vi.Guide { return autoguide.Laplace() }, false},
	}

	fmt.Fprintf(w, "Eight schools: %d Adam steps (0.01 decaying to 0.001), 16 particles, STL gradients, %d draws\n\n", steps, draws)
	fmt.Fprintf(w, "%-26s %8s %8s %8s %8s %7s  %s\n", "fit", "ELBO", "±se", "tau mean", "tau sd", "k-hat", "worst mean err, sd err")
	var fits []fit
	var ref *posteriordb.Posterior
	bar := cfg.Progress("fits", len(forms)*len(guides))
	for fi, form := range forms {
		post, err := posteriordb.Load(form.name)
		if err != nil {
			return nil, err
		}
		ref = post // both forms report the same mu, tau and theta
		model := post.Model.Model()
		for gi, g := range guides {
			n := steps
			if !g.steps {
				n = 0
			}
			opt := optim.NewExponentialDecay(optim.NewAdam(0.01), math.Pow(0.1, 1/float64(max(n, 1))))
			res, err := vi.Fit(context.Background(), model, g.make(), elbo.Trace{Particles: 16, STL: true}, opt,
				vi.MaxSteps(n), vi.Seed(cfg.Seed+uint64(10*fi+gi)), vi.Draws(draws))
			bar.Add(1)
			label := form.label + ", " + g.label
			if err != nil {
				// The Laplace approximation of the centered form: no mode.
				fmt.Fprintf(w, "%-26s   no fit: %v\n", label, err)
				sum.Set(form.key+"_"+g.key+"_error", err.Error())
				continue
			}
			f := fit{label: label, key: form.key + "_" + g.key, colour: form.colours[gi], res: res, ref: post}
			fits = append(fits, f)
			cmp := posteriordb.Compare(post, res)
			meanErr, sdErr := posteriordb.Worst(cmp)
			tau := summaryOf(res, "tau")
			fmt.Fprintf(w, "%-26s %8.2f %8.2f %8.2f %8.2f %7.2f  %.2f, %.2f\n", label, res.ELBO, res.ELBOStdErr, tau.Mean, tau.SD, res.KHat, meanErr, sdErr)
			sum.Set(f.key+"_elbo", res.ELBO)
			sum.Set(f.key+"_elbo_se", res.ELBOStdErr)
			sum.Set(f.key+"_khat", res.KHat)
			sum.Set(f.key+"_tau_mean", tau.Mean)
			sum.Set(f.key+"_tau_sd", tau.SD)
			sum.Set(f.key+"_worst_mean_err", meanErr)
			sum.Set(f.key+"_worst_sd_err", sdErr)
		}
	}
	bar.Finish()
	rt, _ := ref.Ref("tau")
	fmt.Fprintf(w, "%-26s %8s %8s %8.2f %8.2f\n\n", "reference (NUTS)", "", "", rt.Mean, rt.SD)
	sum.Set("ref_tau_mean", rt.Mean)
	sum.Set("ref_tau_sd", rt.SD)
	fmt.Fprintln(w, "worst mean err: the largest error of a posterior mean over theta, mu, tau, in reference sds;")
	fmt.Fprintln(w, "sd err: the largest |sd of the fit / reference sd - 1|. k-hat > 0.7: do not trust the fit.")

	forest, err := forestPlot(fits, ref)
	if err != nil {
		return nil, err
	}
	path, err := examplekit.Save(forest, cfg.Out, "forest.png", 9, 7)
	if err != nil {
		return nil, err
	}
	sum.AddFile("forest.png")
	fmt.Fprintf(w, "\nwrote %s\n", path)

	funnel, err := funnelPlots(fits)
	if err != nil {
		return nil, err
	}
	path, err = examplekit.SaveGrid([][]*plot.Plot{funnel}, cfg.Out, "funnel.png", 4.2, 4)
	if err != nil {
		return nil, err
	}
	sum.AddFile("funnel.png")
	fmt.Fprintf(w, "wrote %s\n", path)
	return sum, sum.Save(cfg.Out)
}

func summaryOf(res *vi.Result, name string) vi.SiteSummary {
	for _, s := range res.Summaries() {
		if s.Name == name {
			return s
		}
	}
	return vi.SiteSummary{Name: name, Mean: math.NaN(), SD: math.NaN()}
}

// forestPlot draws, for theta[1..8] and tau, the reference's 90% interval
// and median (black, on top) and each fit's beneath it.
func forestPlot(fits []fit, ref *posteriordb.Posterior) (*plot.Plot, error) {
	p := examplekit.NewPlot("Eight schools: 90% intervals and medians against NUTS", "value", "")
	names := []string{"tau"}
	for j := 8; j >= 1; j-- {
		names = append(names, fmt.Sprintf("theta[%d]", j))
	}
	rows := len(fits) + 1
	gap := 0.8 / float64(rows)
	add := func(k int, label string, c plotter.XYs, e plotter.XErrors, colour int) error {
		bars, err := plotter.NewXErrorBars(struct {
			plotter.XYs
			plotter.XErrors
		}{c, e})
		if err != nil {
			return err
		}
		bars.LineStyle.Color = examplekit.Color(colour)
		bars.LineStyle.Width = vg.Points(1.6)
		bars.CapWidth = 0
		p.Add(bars)
		s, err := plotter.NewScatter(c)
		if err != nil {
			return err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: examplekit.Color(colour), Radius: vg.Points(2.2), Shape: draw.CircleGlyph{}}
		p.Add(s)
		p.Legend.Add(label, s)
		return nil
	}
	for k := range rows {
		var c plotter.XYs
		var e plotter.XErrors
		for i, name := range names {
			y := float64(i) + 0.4 - gap*float64(k)
			var q05, q50, q95 float64
			if k == 0 {
				r, _ := ref.Ref(name)
				q05, q50, q95 = r.Q05, r.Q50, r.Q95
			} else {
				s := findSummary(fits[k-1].res, viName(name))
				q05, q50, q95 = s.Q05, s.Q50, s.Q95
			}
			c = append(c, plotter.XY{X: q50, Y: y})
			e = append(e, struct{ Low, High float64 }{q50 - q05, q95 - q50})
		}
		label, colour := "reference (Stan NUTS)", 0
		if k > 0 {
			label = fmt.Sprintf("%s (k-hat %.2f)", fits[k-1].label, fits[k-1].res.KHat)
			colour = fits[k-1].colour
		}
		if err := add(k, label, c, e, colour); err != nil {
			return nil, err
		}
	}
	p.NominalY(names...)
	p.Legend.Top = true
	p.Legend.Left = false
	p.X.Min, p.X.Max = -25, 100
	p.Legend.XOffs = -vg.Points(4)
	return p, nil
}

// viName turns the reference's 1-based "theta[j]" into vi's 0-based
// "theta[j-1]".
func viName(ref string) string {
	var j int
	if _, err := fmt.Sscanf(ref, "theta[%d]", &j); err == nil {
		return fmt.Sprintf("theta[%d]", j-1)
	}
	return ref
}

func findSummary(res *vi.Result, name string) vi.SiteSummary {
	for _, s := range res.Summaries() {
		if s.Name == name {
			return s
		}
	}
	return vi.SiteSummary{Mean: math.NaN(), Q05: math.NaN(), Q50: math.NaN(), Q95: math.NaN()}
}

// funnelPlots draws log tau against the first school's coordinate in both
// parameterizations: theta[1] - mu (centered: the funnel) and
// eta[1] = (theta[1] - mu)/tau (non-centered: no funnel). The points are the
// draws of the non-centered full-rank fit, which k-hat says is close to
// the posterior, and of the centered mean-field fit, which stays in the
// mouth of the funnel and never enters the neck.
func funnelPlots(fits []fit) ([]*plot.Plot, error) {
	pick := func(key string) *fit {
		for i := range fits {
			if fits[i].key == key {
				return &fits[i]
			}
		}
		return nil
	}
	good, bad := pick("noncentered_fullrank"), pick("centered_meanfield")
	left := examplekit.NewPlot("centered coordinates: a funnel", "theta[1] - mu", "log tau")
	right := examplekit.NewPlot("non-centered coordinates: no funnel", "eta[1] = (theta[1] - mu) / tau", "log tau")
	for _, f := range []*fit{good, bad} {
		if f == nil {
			continue
		}
		mu, tau, theta := f.res.Draws["mu"], f.res.Draws["tau"], f.res.Draws["theta"]
		n := min(mu.Rows, 1500)
		var a, b plotter.XYs
		for i := range n {
			d := theta.Data[i*theta.Cols] - mu.Data[i]
			lt := math.Log(tau.Data[i])
			a = append(a, plotter.XY{X: d, Y: lt})
			b = append(b, plotter.XY{X: d / tau.Data[i], Y: lt})
		}
		c := examplekit.Fade(examplekit.Color(f.colour), 0.35)
		label := fmt.Sprintf("%s (k-hat %.2f)", f.label, f.res.KHat)
		if err := examplekit.Scatter(left, a, label, c, 1.3); err != nil {
			return nil, err
		}
		if err := examplekit.Scatter(right, b, "", c, 1.3); err != nil {
			return nil, err
		}
	}
	for _, p := range []*plot.Plot{left, right} {
		p.Y.Min, p.Y.Max = -3, 4
	}
	left.X.Min, left.X.Max = -30, 30
	right.X.Min, right.X.Max = -4, 4
	left.Legend.Top = false
	left.Legend.Left = true
	left.Legend.XOffs = vg.Points(4)
	left.Legend.YOffs = vg.Points(4)
	return []*plot.Plot{left, right}, nil
}
