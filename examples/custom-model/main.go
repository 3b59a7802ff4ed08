// Command custom-model writes a model of one's own from nothing, fits it,
// checks the fit, saves the fitted guide to a file and uses it in a later
// run. Copy this file to start your own work.
//
// The model is a hierarchical Poisson regression: counts y_i (say, cycling
// accidents on road segment i) in J regions, with an exposure E_i (traffic
// volume) and a covariate x_i (standardized road width):
//
//	mu_a ~ N(0, 2),  sigma_a ~ HalfNormal(1),  eta_j ~ N(0, 1),  b ~ N(0, 1),
//	a_j = mu_a + sigma_a eta_j                    (region effects, non-centered),
//	y_i ~ Poisson(E_i exp(a_{g(i)} + b x_i)).
//
// The data are simulated from known parameters, so the fit can be checked
// against the truth (no real data set with a licence we could ship fits
// this size).
//
//	go run ./examples/custom-model -out out/custom-model          # fit, save, predict
//	go run ./examples/custom-model -guide out/custom-model/guide.json   # later: load, predict
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/internal/examplekit"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

func main() {
	var guidePath string
	cfg := examplekit.ParseFlags("custom-model", os.Args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&guidePath, "guide", "", "load the fitted guide from this file instead of fitting (a file written by an earlier run)")
	})
	if _, err := run(cfg, guidePath, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "custom-model:", err)
		os.Exit(1)
	}
}

// ---------------------------------------------------------------------------
// Step 1: the data.

// Data are the observations: the region of each segment, its exposure and
// covariate, and the count.
type Data struct {
	J        int       // regions
	Group    []int     // region of each observation, 0..J-1
	Exposure []float64 // E_i > 0
	X        []float64 // covariate
	Y        []float64 // counts
}

// Truth holds the parameters the data were simulated from.
type Truth struct {
	MuA, SigmaA, B float64
	A              []float64
}

// simulate draws a data set of J regions with 8 to 40 segments each.
func simulate(rng *rand.Rand) (Data, Truth) {
	tr := Truth{MuA: -1.0, SigmaA: 0.6, B: 0.4}
	d := Data{J: 10}
	for j := range d.J {
		tr.A = append(tr.A, tr.MuA+tr.SigmaA*rng.NormFloat64())
		n := 8 + rng.IntN(33)
		for range n {
			e := math.Exp(1 + rng.NormFloat64()) // exposure: log-normal
			x := rng.NormFloat64()
			rate := e * math.Exp(tr.A[j]+tr.B*x)
			d.Group = append(d.Group, j)
			d.Exposure = append(d.Exposure, e)
			d.X = append(d.X, x)
			d.Y = append(d.Y, poisson(rng, rate))
		}
	}
	return d, tr
}

// ---------------------------------------------------------------------------
// Step 2: the model, as a Go function over a vi.Program.
//
// All latents are global, so with S particles each latent site is S rows
// and the data go in columns: the S x N log-rates come from one matrix
// product of the S x J region effects with the J x N one-hot region matrix.

func (d Data) model() vi.Model {
	n := len(d.Y)
	onehot := make([]float64, d.J*n) // J x N
	logE := make([]float64, n)
	for i, g := range d.Group {
		onehot[g*n+i] = 1
		logE[i] = math.Log(d.Exposure[i])
	}
	muPrior := dist.Must(dist.NewNormal(0, 2))
	sigmaPrior := dist.Must(dist.NewHalfNormal(1))
	etaPrior := dist.Must(dist.Expand(dist.Must(dist.NewNormal(0, 1)), 1, d.J))
	bPrior := dist.Must(dist.NewNormal(0, 1))
	return func(p *vi.Program) {
		muA := p.Sample("mu_a", muPrior)          // S x 1
		sigmaA := p.Sample("sigma_a", sigmaPrior) // S x 1, positive: the guide works on its log
		eta := p.Sample("eta", etaPrior)          // S x J
		b := p.Sample("b", bPrior)                // S x 1
		a := p.Deterministic("a", ad.Add(muA, ad.Mul(sigmaA, eta)))
		logRate := ad.Add(ad.MatMul(a, p.Const(d.J, n, onehot)), // S x N
			ad.Add(ad.Mul(b, p.Const(1, n, d.X)), p.Const(1, n, logE)))
		p.Observe("y", dist.Poisson{Rate: ad.Exp(logRate)}, p.Const(1, n, d.Y))
	}
}

// guide is the variational family: a full-rank Gaussian over the
// unconstrained latents (mu_a, log sigma_a, eta, b), which can represent
// the posterior correlations between mu_a and the region effects, started
// at the MAP estimate (L-BFGS), from which Adam needs far fewer steps than
// from the prior median. Restoring a saved guide needs a guide of the same
// family and parameter names; how it was initialized does not matter (the
// saved values replace the initial ones), so restoring uses the plain
// constructor and skips the MAP search.
func guide() vi.Guide { return autoguide.MultivariateNormal(autoguide.WithInit(autoguide.InitToMAP())) }

func restoredGuide() vi.Guide { return autoguide.MultivariateNormal() }

func run(cfg examplekit.Config, guidePath string, w io.Writer) (*examplekit.Summary, error) {
	sum := examplekit.NewSummary("custom-model", cfg)
	// The data come from a fixed seed, independent of -seed, so that a later
	// run with -guide sees the same data set.
	data, truth := simulate(rand.New(rand.NewPCG(2026, 12)))
	fmt.Fprintf(w, "Step 1: %d counts in %d regions (total %.0f), simulated with mu_a = %.2f, sigma_a = %.2f, b = %.2f\n",
		len(data.Y), data.J, total(data.Y), truth.MuA, truth.SigmaA, truth.B)
	model := data.model()

	if guidePath == "" {
		var err error
		guidePath, err = fitAndSave(cfg, model, truth, w, sum)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "\nA later run can skip the fit:\n  go run ./examples/custom-model -guide %s\n", guidePath)
	}
	// What follows is all a later run does: rebuild the guide from its file
	// and use it.
	if err := predict(cfg, model, data, truth, guidePath, w, sum); err != nil {
		return nil, err
	}
	return sum, sum.Save(cfg.Out)
}

// ---------------------------------------------------------------------------
// Steps 3-5: fit with progress, check, save.

func fitAndSave(cfg examplekit.Config, model vi.Model, truth Truth, w io.Writer, sum *examplekit.Summary) (string, error) {
	steps, draws := 3000, 10000
	if cfg.Quick {
		steps, draws = 2000, 4000
	}
	// Step 3: fit. The trace ELBO with 16 particles and sticking-the-landing
	// gradients; Adam with a step size decaying from 0.02 to 0.002.
	bar := cfg.Progress("fit", steps)
	opt := optim.NewExponentialDecay(optim.NewAdam(0.02), math.Pow(0.1, 1/float64(steps)))
	res, err := vi.Fit(context.Background(), model, guide(), elbo.Trace{Particles: 16, STL: true}, opt,
		vi.MaxSteps(steps), vi.Seed(cfg.Seed), vi.Draws(draws),
		vi.ProgressEvery(50), vi.OnProgress(func(p vi.Progress) { bar.Set(p.Step); bar.Describe("ELBO %.1f", p.ELBO) }))
	bar.Finish()
	if err != nil {
		return "", err
	}

	// Step 4: check. The ELBO with its Monte Carlo standard error; the PSIS
	// k-hat of the importance weights p/q at the guide's draws (below 0.5
	// the guide is a good approximation, above 0.7 do not trust it); and
	// the summaries reweighted by PSIS towards the exact posterior, which
	// should agree with the plain ones when k-hat is small.
	fmt.Fprintf(w, "\nStep 3: fitted in %d steps (%s)\n", res.Steps, res.StopReason)
	fmt.Fprintf(w, "Step 4: ELBO %.2f ± %.2f, k-hat %.2f\n", res.ELBO, res.ELBOStdErr, res.KHat)
	psis, perr := res.PSISSummaries()
	plain := res.Summaries()
	fmt.Fprintf(w, "  %-10s %8s %8s %8s %8s   %8s %8s   %6s\n", "site", "mean", "sd", "5%", "95%", "PSIS mean", "PSIS sd", "truth")
	want := map[string]float64{"mu_a": truth.MuA, "sigma_a": truth.SigmaA, "b": truth.B}
	for j, a := range truth.A {
		want[fmt.Sprintf("a[%d]", j)] = a
	}
	covered, checked := 0, 0
	for i, s := range plain {
		tv, ok := want[s.Name]
		if !ok {
			continue // eta: the non-centered coordinates
		}
		pm, ps := math.NaN(), math.NaN()
		if len(psis) == len(plain) {
			pm, ps = psis[i].Mean, psis[i].SD
		}
		fmt.Fprintf(w, "  %-10s %8.3f %8.3f %8.3f %8.3f   %8.3f %8.3f   %6.2f\n", s.Name, s.Mean, s.SD, s.Q05, s.Q95, pm, ps, tv)
		checked++
		if tv >= s.Q05 && tv <= s.Q95 {
			covered++
		}
		sum.Set("fit_"+s.Name+"_mean", s.Mean)
		sum.Set("fit_"+s.Name+"_sd", s.SD)
		sum.Set("psis_"+s.Name+"_mean", pm)
	}
	if perr != nil {
		fmt.Fprintf(w, "  (%v)\n", perr)
	}
	fmt.Fprintf(w, "  %d of %d true values inside the 90%% intervals\n", covered, checked)
	sum.Set("elbo", res.ELBO)
	sum.Set("elbo_se", res.ELBOStdErr)
	sum.Set("khat", res.KHat)
	sum.Set("covered", covered)
	sum.Set("checked", checked)

	// Step 5: save the fitted guide: its parameters in unconstrained space,
	// in the JSON format documented at vi.SaveParams.
	path := filepath.Join(cfg.Out, "guide.json")
	if err := vi.SaveParams(path, res.Params); err != nil {
		return "", err
	}
	fmt.Fprintf(w, "Step 5: saved the fitted guide to %s\n", path)
	sum.AddFile("guide.json")
	return path, nil
}

// ---------------------------------------------------------------------------
// Step 6: a later run. Restore the guide and draw posterior predictive counts.

func predict(cfg examplekit.Config, model vi.Model, data Data, truth Truth, path string, w io.Writer, sum *examplekit.Summary) error {
	ndraw := 4000
	if cfg.Quick {
		ndraw = 1000
	}
	// vi.Restore sets the guide up against the model, loads its parameters
	// and draws from it (with the ELBO and k-hat of those draws, so that a
	// later run can see it has the right file).
	res, err := vi.Restore(model, restoredGuide(), path, ndraw, cfg.Seed+1)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nStep 6: restored the guide from %s: ELBO %.2f ± %.2f, k-hat %.2f over %d draws\n", path, res.ELBO, res.ELBOStdErr, res.KHat, ndraw)
	sum.Set("restored_elbo", res.ELBO)
	sum.Set("restored_elbo_se", res.ELBOStdErr)

	// Posterior predictive: for each draw of (a, b), new counts for every
	// segment, y_rep ~ Poisson(E exp(a_g + b x)). Summed by region they can
	// be compared with the observed totals: an observed total far outside
	// its predictive interval means the model misses something.
	rng := rand.New(rand.NewPCG(cfg.Seed, 99))
	a, b := res.Draws["a"], res.Draws["b"]
	reps := make([][]float64, data.J) // per region, one total per draw
	for s := range ndraw {
		tot := make([]float64, data.J)
		for i, g := range data.Group {
			rate := data.Exposure[i] * math.Exp(a.Data[s*data.J+g]+b.Data[s]*data.X[i])
			tot[g] += poisson(rng, rate)
		}
		for j := range data.J {
			reps[j] = append(reps[j], tot[j])
		}
	}
	obs := make([]float64, data.J)
	for i, g := range data.Group {
		obs[g] += data.Y[i]
	}
	fmt.Fprintf(w, "  %-7s %9s %22s\n", "region", "observed", "predictive 5%, 50%, 95%")
	inside := 0
	var q05, q50, q95 []float64
	for j := range data.J {
		slices.Sort(reps[j])
		lo, med, hi := quantile(reps[j], 0.05), quantile(reps[j], 0.5), quantile(reps[j], 0.95)
		q05, q50, q95 = append(q05, lo), append(q50, med), append(q95, hi)
		if obs[j] >= lo && obs[j] <= hi {
			inside++
		}
		fmt.Fprintf(w, "  %-7d %9.0f %8.0f %6.0f %6.0f\n", j, obs[j], lo, med, hi)
	}
	fmt.Fprintf(w, "  %d of %d observed region totals inside their 90%% predictive intervals\n", inside, data.J)
	sum.Set("ppc_inside", inside)
	sum.Set("ppc_regions", data.J)

	// One picture: region effects against the truth, and observed totals
	// against their predictive intervals.
	left := examplekit.NewPlot("region effects a_j: 90% intervals", "region", "a_j")
	var ai, at plotter.XYs
	var ae plotter.YErrors
	sums := res.Summaries()
	for j := range data.J {
		s := find(sums, fmt.Sprintf("a[%d]", j))
		ai = append(ai, plotter.XY{X: float64(j), Y: s.Q50})
		ae = append(ae, struct{ Low, High float64 }{s.Q50 - s.Q05, s.Q95 - s.Q50})
		at = append(at, plotter.XY{X: float64(j) + 0.18, Y: truth.A[j]})
	}
	if err := intervals(left, ai, ae, "fitted guide (median, 90%)", 5); err != nil {
		return err
	}
	if err := examplekit.Scatter(left, at, "true value", examplekit.Color(4), 3); err != nil {
		return err
	}
	examplekit.LegendTopLeft(left)
	right := examplekit.NewPlot("posterior predictive region totals", "region", "count")
	var pi, po plotter.XYs
	var pe plotter.YErrors
	for j := range data.J {
		pi = append(pi, plotter.XY{X: float64(j), Y: q50[j]})
		pe = append(pe, struct{ Low, High float64 }{q50[j] - q05[j], q95[j] - q50[j]})
		po = append(po, plotter.XY{X: float64(j) + 0.18, Y: obs[j]})
	}
	if err := intervals(right, pi, pe, "predictive (median, 90%)", 5); err != nil {
		return err
	}
	if err := examplekit.Scatter(right, po, "observed", examplekit.Color(0), 3); err != nil {
		return err
	}
	examplekit.LegendTopLeft(right)
	for _, p := range []*plot.Plot{left, right} {
		p.X.Min, p.X.Max = -0.6, float64(data.J)-0.4
	}
	left.Y.Max += 0.4 // room for the legend
	right.Y.Min, right.Y.Max = 0, 1.15*slices.Max(q95)
	out, err := examplekit.SaveGrid([][]*plot.Plot{{left, right}}, cfg.Out, "custom-model.png", 4.5, 3.8)
	if err != nil {
		return err
	}
	sum.AddFile("custom-model.png")
	fmt.Fprintf(w, "\nwrote %s\n", out)
	return nil
}

func intervals(p *plot.Plot, c plotter.XYs, e plotter.YErrors, label string, colour int) error {
	bars, err := plotter.NewYErrorBars(struct {
		plotter.XYs
		plotter.YErrors
	}{c, e})
	if err != nil {
		return err
	}
	bars.LineStyle.Color = examplekit.Color(colour)
	bars.LineStyle.Width = vg.Points(2)
	bars.CapWidth = vg.Points(5)
	p.Add(bars)
	s, err := plotter.NewScatter(c)
	if err != nil {
		return err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: examplekit.Color(colour), Radius: vg.Points(2.5), Shape: draw.BoxGlyph{}}
	p.Add(s)
	p.Legend.Add(label, s)
	return nil
}

func find(sums []vi.SiteSummary, name string) vi.SiteSummary {
	for _, s := range sums {
		if s.Name == name {
			return s
		}
	}
	return vi.SiteSummary{Name: name, Q05: math.NaN(), Q50: math.NaN(), Q95: math.NaN()}
}

// poisson draws a Poisson variate: by inversion of the CDF for small means,
// by the transformed rejection method PTRS of Hörmann (1993) for large ones.
func poisson(rng *rand.Rand, mean float64) float64 {
	if mean < 10 {
		k, p, u := 0.0, math.Exp(-mean), rng.Float64()
		c := p
		for u > c {
			k++
			p *= mean / k
			c += p
			if k > 1000 {
				break
			}
		}
		return k
	}
	slam, loglam := math.Sqrt(mean), math.Log(mean)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := rng.Float64() - 0.5
		v := rng.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + mean + 0.43)
		if us >= 0.07 && v <= vr {
			return k
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invalpha)-math.Log(a/(us*us)+b) <= -mean+k*loglam-lg {
			return k
		}
	}
}

func quantile(sorted []float64, p float64) float64 {
	h := p * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (h-float64(lo))*(sorted[hi]-sorted[lo])
}

func total(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}
