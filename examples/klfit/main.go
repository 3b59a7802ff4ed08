// Command klfit shows what the direction of the KL divergence does to a
// variational fit.
//
// Fitting q to a target p by minimizing the reverse divergence KL(q || p)
// (what the ELBO does) punishes q for putting mass where p has none, so q
// hides inside one mode: mode seeking. Minimizing the forward divergence
// KL(p || q) punishes q for missing mass of p, so q spreads over all of it:
// mode covering (for a Gaussian q, moment matching). Rényi-α with α = 0.5 and
// the importance-weighted bound (IWAE) sit in between, and a mixture guide
// removes the dilemma by being able to have several modes.
//
// Part 1 is workload W6 of the benchmark specification: a 1-D Gaussian fitted
// to a two-component mixture, with the exact optima. Part 2 fits 2-D targets
// (four separated modes; a banana) with a full-rank Gaussian under four
// objectives and with a mixture guide, and measures every fit both ways.
//
//	go run ./examples/klfit -out out/klfit
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"

	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/internal/bench"
	"github.com/kldiv/kldiv/internal/examplekit"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

func main() {
	cfg := examplekit.ParseFlags("klfit", os.Args[1:], nil)
	if _, err := run(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "klfit:", err)
		os.Exit(1)
	}
}

// run does the whole example, printing to w and writing pictures and
// summary.json to cfg.Out. It returns the summary (the test reads it).
func run(cfg examplekit.Config, w io.Writer) (*examplekit.Summary, error) {
	sum := examplekit.NewSummary("klfit", cfg)
	if err := part1(cfg, w, sum); err != nil {
		return nil, err
	}
	if err := part2(cfg, w, sum); err != nil {
		return nil, err
	}
	return sum, sum.Save(cfg.Out)
}

// ---------------------------------------------------------------------------
// Part 1: W6, a Gaussian fitted to 0.5 N(-3, 1) + 0.5 N(3, 1).

func part1(cfg examplekit.Config, w io.Writer, sum *examplekit.Summary) error {
	fmt.Fprintln(w, "Part 1: q = N(m, s) fitted to p = 0.5 N(-3, 1) + 0.5 N(3, 1) (workload W6)")
	// The fits are W6's own (internal/bench): Adam 0.01, 4,000 steps of 256
	// draws from m = 1, s = 0.5. Reverse KL is the ELBO with reparameterized
	// draws of q; forward KL is the cross-entropy -E_p[log q] with draws of p.
	rev, err := bench.BimodalFit(elbo.Trace{Particles: 256}, cfg.Seed)
	if err != nil {
		return err
	}
	fwd, err := bench.BimodalFit(elbo.ForwardKLSamples{N: 256, Sample: bench.BimodalSamples}, cfg.Seed+1)
	if err != nil {
		return err
	}

	// The exact optima. Forward KL to a Gaussian is minimized by matching
	// moments: m = 0, s² = 1 + 3² = 10. Reverse KL has no closed form; we
	// minimize it directly (Nelder-Mead over m and log s, the KL by the
	// trapezoidal rule) from the fit's starting point.
	fm, fs := 0.0, math.Sqrt(10)
	prob := optimize.Problem{Func: func(x []float64) float64 {
		r, _ := bench.BimodalKL(x[0], math.Exp(x[1]))
		return r
	}}
	opt, err := optimize.Minimize(prob, []float64{1, math.Log(0.5)},
		&optimize.Settings{Converger: &optimize.FunctionConverge{Absolute: 1e-12, Iterations: 50}}, &optimize.NelderMead{})
	if err != nil {
		return fmt.Errorf("reverse-KL optimum: %w", err)
	}
	rm, rs := opt.X[0], math.Exp(opt.X[1])

	klRev, klRevF := bench.BimodalKL(rev[0], rev[1])
	klFwdR, klFwd := bench.BimodalKL(fwd[0], fwd[1])
	optRev, _ := bench.BimodalKL(rm, rs)
	_, optFwd := bench.BimodalKL(fm, fs)
	fmt.Fprintf(w, "  reverse KL fit: m = %.4f  s = %.4f   KL(q||p) = %.4f  KL(p||q) = %.4f\n", rev[0], rev[1], klRev, klRevF)
	fmt.Fprintf(w, "        optimum:  m = %.4f  s = %.4f   KL(q||p) = %.4f\n", rm, rs, optRev)
	fmt.Fprintf(w, "  forward KL fit: m = %.4f  s = %.4f   KL(q||p) = %.4f  KL(p||q) = %.4f\n", fwd[0], fwd[1], klFwdR, klFwd)
	fmt.Fprintf(w, "        optimum:  m = %.4f  s = %.4f   KL(p||q) = %.4f\n\n", fm, fs, optFwd)
	for k, v := range map[string]float64{
		"w6_reverse_m": rev[0], "w6_reverse_s": rev[1], "w6_forward_m": fwd[0], "w6_forward_s": fwd[1],
		"w6_kl_reverse_at_fit": klRev, "w6_kl_forward_at_fit": klFwd,
		"w6_kl_forward_at_reverse_fit": klRevF, "w6_kl_reverse_at_forward_fit": klFwdR,
		"w6_opt_reverse_m": rm, "w6_opt_reverse_s": rs, "w6_opt_kl_reverse": optRev,
		"w6_opt_forward_s": fs, "w6_opt_kl_forward": optFwd,
	} {
		sum.Set(k, v)
	}

	// One picture: the target, both fits (solid) and both exact optima
	// (dashed). The fits lie on their optima.
	p := examplekit.NewPlot("W6: one Gaussian fitted to two modes", "z", "density")
	normal := func(m, s float64) func(float64) float64 {
		return func(x float64) float64 { return math.Exp(-0.5*sq((x-m)/s)) / (s * math.Sqrt(2*math.Pi)) }
	}
	lines := []struct {
		f      func(float64) float64
		label  string
		c      int
		dashed bool
	}{
		{bench.BimodalDensity, "target p", 0, false},
		{normal(rev[0], rev[1]), fmt.Sprintf("reverse KL(q||p) fit: m = %.2f, s = %.2f, KL = %.3f", rev[0], rev[1], klRev), 4, false},
		{normal(fwd[0], fwd[1]), fmt.Sprintf("forward KL(p||q) fit: m = %.2f, s = %.2f, KL = %.3f", fwd[0], fwd[1], klFwd), 5, false},
		{normal(rm, rs), fmt.Sprintf("exact optima (dashed): m = %.3f, s = %.3f and m = 0, s = 3.162", rm, rs), 0, true},
		{normal(fm, fs), "", 0, true},
	}
	for _, l := range lines {
		if err := examplekit.Line(p, examplekit.Curve(l.f, -9, 9, 400), l.label, examplekit.Color(l.c), l.dashed); err != nil {
			return err
		}
	}
	p.Y.Max = 0.6
	examplekit.LegendTopLeft(p)
	path, err := examplekit.Save(p, cfg.Out, "w6.png", 7, 4)
	if err != nil {
		return err
	}
	sum.AddFile("w6.png")
	fmt.Fprintf(w, "  wrote %s\n\n", path)
	return nil
}

// ---------------------------------------------------------------------------
// Part 2: 2-D targets.

// target is a normalized 2-D density that we can evaluate and sample: both
// are needed to measure KL(q || p) and KL(p || q) by Monte Carlo.
type target struct {
	name    string
	logPdf  func(x, y float64) float64
	sample  func(rng *rand.Rand) (x, y float64)
	logProb func(z ad.Var) ad.Var // the same log-density on the tape, S x 2 -> S x 1
	modes   [][2]float64          // mode centres, for the coverage count
	mean    [2]float64            // exact moments: the forward-KL optimum of a Gaussian
	cov     [3]float64            // xx, xy, yy
	box     [4]float64            // plotting window x0, x1, y0, y1
}

// fourModes is an equal mixture of four round Gaussians (sd 0.6) centred at
// (±3, ±3): well separated (10 sd apart), so a single Gaussian cannot cover
// them without putting most of its mass where there is none.
func fourModes() target {
	const s = 0.6
	c := [][2]float64{{-3, -3}, {-3, 3}, {3, -3}, {3, 3}}
	lp := func(x, y float64) float64 {
		terms := make([]float64, len(c))
		for i, m := range c {
			terms[i] = -0.5*(sq(x-m[0])+sq(y-m[1]))/(s*s) - math.Log(2*math.Pi*s*s) - math.Log(4)
		}
		return logSumExp(terms)
	}
	return target{
		name:   "four modes",
		logPdf: lp,
		sample: func(rng *rand.Rand) (float64, float64) {
			m := c[rng.IntN(4)]
			return m[0] + s*rng.NormFloat64(), m[1] + s*rng.NormFloat64()
		},
		logProb: func(z ad.Var) ad.Var {
			comps := make([]ad.Var, len(c))
			for i, m := range c {
				n := dist.Normal{Loc: ad.Row([]float64{m[0], m[1]}), Scale: ad.Scalar(s)}
				comps[i] = ad.Shift(n.LogProb(z), -math.Log(4))
			}
			return ad.LogSumExpCols(ad.ConcatCols(comps...))
		},
		modes: c,
		mean:  [2]float64{0, 0},
		cov:   [3]float64{s*s + 9, 0, s*s + 9},
		box:   [4]float64{-6.5, 6.5, -6.5, 6.5},
	}
}

// banana is the twisted Gaussian of Haario, Saksman and Tamminen (1999):
// x ~ N(0, a²), y | x ~ N(b (x² - a²), 1). It is unimodal but curved, so a
// Gaussian fits it badly in either direction, in different ways.
func banana() target {
	const a, b = 2.0, 0.4
	return target{
		name: "banana",
		logPdf: func(x, y float64) float64 {
			return -0.5*sq(x/a) - 0.5*sq(y-b*(x*x-a*a)) - math.Log(2*math.Pi*a)
		},
		sample: func(rng *rand.Rand) (float64, float64) {
			x := a * rng.NormFloat64()
			return x, b*(x*x-a*a) + rng.NormFloat64()
		},
		logProb: func(z ad.Var) ad.Var {
			x, y := ad.ColOf(z, 0), ad.ColOf(z, 1)
			px := dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(a)}.LogProb(x)
			mu := ad.Scale(ad.Shift(ad.Square(x), -a*a), b)
			py := dist.Normal{Loc: mu, Scale: ad.Scalar(1)}.LogProb(y)
			return ad.Add(px, py)
		},
		mean: [2]float64{0, 0},
		// Var y = 1 + b² Var(x²) = 1 + 2 b² a⁴; Cov(x, y) = b E[x³] = 0.
		cov: [3]float64{a * a, 0, 1 + 2*b*b*a*a*a*a},
		box: [4]float64{-6.5, 6.5, -3.5, 8},
	}
}

// model turns a target into a kldiv program: one latent site z on R² with a
// flat prior, and the target's log-density as a factor. Because the target
// is normalized, log p(x, z) - log q(z) at a draw of q is minus the integrand
// of KL(q || p): the ELBO of a fit is -KL(q || p) exactly.
func (tg target) model() vi.Model {
	return func(p *vi.Program) {
		z := p.Sample("z", vi.Flat{Cols: 2})
		p.Factor("target", tg.logProb(z))
	}
}

// density is a fitted q that can be evaluated and sampled: a mixture of
// 2-D Gaussians (one component for the full-rank fits).
type density = examplekit.Mix2

// LogPdf and Sample make a target an examplekit.Density2, so that
// examplekit.MeasureKL can measure fits against it.
func (tg target) LogPdf(x, y float64) float64          { return tg.logPdf(x, y) }
func (tg target) Sample(rng *rand.Rand) (x, y float64) { return tg.sample(rng) }

// method is one way of fitting.
type method struct {
	name   string
	short  string
	colour int
	fit    func(tg target, steps int, seed uint64) (density, error)
}

func methods() []method {
	fitFull := func(lr float64, obj func(tg target) vi.Objective) func(target, int, uint64) (density, error) {
		return func(tg target, steps int, seed uint64) (density, error) {
			var trail [][5]float64
			// The full-rank guide is written by hand (its site carries its
			// distribution, which the forward objective needs), started as
			// W6 is at (1, 0.5) with sd 0.5: off the symmetric centre, so
			// that mode-seeking fits have a mode to fall into. The fit is
			// the average of the last quarter of the iterates.
			_, err := vi.Fit(context.Background(), tg.model(), examplekit.FullRank2([2]float64{1, 0.5}, 0.5, &trail), obj(tg),
				optim.NewAdam(lr), vi.MaxSteps(steps), vi.Seed(seed), vi.Draws(0))
			if err != nil {
				return density{}, err
			}
			return examplekit.Averaged(trail), nil
		}
	}
	return []method{
		{"reverse KL(q||p): ELBO", "reverse", 4, fitFull(0.02, func(target) vi.Objective { return elbo.Trace{Particles: 32} })},
		// Forward KL with exact draws of the target: -E_p[log q]. For a
		// Gaussian q its optimum is the target's mean and covariance.
		{"forward KL(p||q)", "forward", 5, fitFull(0.02, func(tg target) vi.Objective {
			return elbo.ForwardKLSamples{N: 256, Sample: func(rng *rand.Rand, n int) map[string]ad.Matrix {
				z := make([]float64, 2*n)
				for i := range n {
					z[2*i], z[2*i+1] = tg.sample(rng)
				}
				return map[string]ad.Matrix{"z": {Rows: n, Cols: 2, Data: z}}
			}}
		})},
		// Rényi-α (Li and Turner 2016): α = 0.5 is the Hellinger-like
		// middle between reverse (α → 1) and the mass-covering side.
		{"Renyi alpha = 0.5", "renyi", 1, fitFull(0.02, func(target) vi.Objective { return elbo.Renyi{Alpha: 0.5, K: 32} })},
		// IWAE (Burda et al. 2016) with K = 8: as K grows the fitted q
		// behaves more and more like a proposal for importance sampling,
		// which must cover p. The signal-to-noise ratio of its gradient for
		// q falls as K grows (Rainforth et al. 2018, "Tighter variational
		// bounds are not necessarily better"), hence the smaller K and step.
		{"IWAE K = 8", "iwae", 3, fitFull(0.005, func(target) vi.Objective { return elbo.IWAE{K: 8} })},
		// A mixture of eight mean-field Gaussians under the ordinary ELBO:
		// still reverse KL, but a family that can have several modes. A
		// component that never visits a mode cannot learn that it is there
		// (reverse KL only looks where q already is), so we restart from
		// three seeds and keep the fit with the highest ELBO, which here is
		// exactly the smallest KL(q || p).
		{"mixture guide (8), ELBO", "mixture", 6, func(tg target, steps int, seed uint64) (density, error) {
			var best density
			bestKL := math.Inf(1)
			for r := range uint64(3) {
				res, err := vi.Fit(context.Background(), tg.model(), autoguide.Mixture(8, autoguide.WithInitScale(1)), elbo.Trace{Particles: 48},
					optim.NewAdam(0.02), vi.MaxSteps(steps), vi.Seed(seed+1000*r), vi.Draws(0))
				if err != nil {
					return density{}, err
				}
				q, err := examplekit.AutoMixture2(res.Params, "auto")
				if err != nil {
					return density{}, err
				}
				if kl := examplekit.MeasureKL(tg, q, 4000, rand.New(rand.NewPCG(seed, r))).QP; kl < bestKL {
					best, bestKL = q, kl
				}
			}
			return best, nil
		}},
	}
}

// measured is what we report for one fit.
type measured struct {
	klQP, klQPse float64 // KL(q || p) = E_q[log q - log p], Monte Carlo
	klPQ, klPQse float64 // KL(p || q) = E_p[log p - log q], Monte Carlo
	khat         float64 // PSIS k-hat of p/q at draws of q
	modes        int     // modes holding at least 5% of q's draws nearby
}

func part2(cfg examplekit.Config, w io.Writer, sum *examplekit.Summary) error {
	steps, draws := 4000, 20000
	if cfg.Quick {
		steps, draws = 1500, 4000
	}
	fmt.Fprintln(w, "Part 2: 2-D targets fitted by a full-rank Gaussian under four objectives, and by a mixture guide")
	fmt.Fprintf(w, "  (Adam 0.02, IWAE 0.005, %d steps; KL by Monte Carlo with %d draws, ± one standard error)\n", steps, draws)
	ms := methods()
	targets := []target{fourModes(), banana()}
	bar := cfg.Progress("fits", len(ms)*len(targets))
	var rows [][]*plot.Plot
	var planes []*plot.Plot
	for ti, tg := range targets {
		plane := examplekit.NewPlot(tg.name+": both divergences of each fit (lower left is better)", "KL(q||p), mode-seeking side (nats)", "KL(p||q), mass-covering side (nats)")
		// Both axes logarithmic: the points are drawn at log10 of the KLs
		// and the ticks labelled with the KLs themselves.
		var ticks plot.ConstantTicks
		for _, v := range []float64{1e-3, 1e-2, 0.1, 1, 10, 100} {
			ticks = append(ticks, plot.Tick{Value: math.Log10(v), Label: strconv.FormatFloat(v, 'g', -1, 64)})
		}
		plane.X.Tick.Marker, plane.Y.Tick.Marker = ticks, ticks
		fmt.Fprintf(w, "\n  target: %s\n", tg.name)
		fmt.Fprintf(w, "  %-24s %18s %18s %7s %6s\n", "method", "KL(q||p)", "KL(p||q)", "k-hat", "modes")
		grid, plev := contourGrid(tg, tg.logPdf)
		tp := panel(tg, "target: "+tg.name)
		if err := examplekit.ContoursAt(tp, grid, plev, examplekit.Color(0), ""); err != nil {
			return err
		}
		tp.X.Label.Text = "contours hold 50, 90, 99% of p"
		fit(tp, tg)
		row := []*plot.Plot{tp}
		for mi, m := range ms {
			q, err := m.fit(tg, steps, cfg.Seed+uint64(10*ti+mi))
			if err != nil {
				return fmt.Errorf("%s on %s: %w", m.name, tg.name, err)
			}
			bar.Add(1)
			r := measure(tg, q, draws, rand.New(rand.NewPCG(cfg.Seed, uint64(100+10*ti+mi))))
			modes := ""
			if tg.modes != nil {
				modes = fmt.Sprintf("%d/%d", r.modes, len(tg.modes))
			}
			fmt.Fprintf(w, "  %-24s %9.3f ± %-6.3f %9.3f ± %-6.3f %7.2f %6s\n", m.name, r.klQP, r.klQPse, r.klPQ, r.klPQse, r.khat, modes)
			key := fmt.Sprintf("%s_%s_", slug(tg.name), m.short)
			sum.Set(key+"kl_qp", r.klQP)
			sum.Set(key+"kl_qp_se", r.klQPse)
			sum.Set(key+"kl_pq", r.klPQ)
			sum.Set(key+"kl_pq_se", r.klPQse)
			sum.Set(key+"khat", r.khat)
			if tg.modes != nil {
				sum.Set(key+"modes", r.modes)
			}
			if m.short == "forward" {
				// The forward fit should have matched the target's moments.
				sum.Set(key+"mean", []float64{q.Mean[0][0], q.Mean[0][1]})
				sum.Set(key+"cov", []float64{q.Cov[0][0], q.Cov[0][1], q.Cov[0][2]})
				sum.Set(slug(tg.name)+"_exact_cov", []float64{tg.cov[0], tg.cov[1], tg.cov[2]})
			}

			// The panel: the target in grey, the fit in its colour, at the
			// same enclosed masses, so that shapes compare directly.
			fp := panel(tg, m.name)
			if err := examplekit.ContoursAt(fp, grid, plev, examplekit.Fade(examplekit.Color(0), 0.3), ""); err != nil {
				return err
			}
			qg, qlev := contourGrid(tg, q.LogPdf)
			if err := examplekit.ContoursAt(fp, qg, qlev, examplekit.Color(m.colour), ""); err != nil {
				return err
			}
			if m.short == "forward" {
				// The exact optimum of forward KL: the moment-matched
				// Gaussian, 90% ellipse (chi-square 2 dof: r² = 4.605).
				if err := examplekit.Line(fp, examplekit.EllipsePoints(tg.mean, tg.cov[0], tg.cov[1], tg.cov[2], math.Sqrt(4.605)), "", examplekit.Color(0), true); err != nil {
					return err
				}
			}
			pt := plotter.XYs{{X: math.Log10(math.Max(r.klQP, 1e-3)), Y: math.Log10(math.Max(r.klPQ, 1e-3))}}
			if err := examplekit.Scatter(plane, pt, m.name, examplekit.Color(m.colour), 5); err != nil {
				return err
			}
			fp.X.Label.Text = fmt.Sprintf("KL(q||p) %s   KL(p||q) %s\nk-hat %.2f%s", pm(r.klQP, r.klQPse), pm(r.klPQ, r.klPQse), r.khat, modesText(r, tg))
			fit(fp, tg)
			row = append(row, fp)
		}
		rows = append(rows, row)
		plane.X.Min, plane.X.Max, plane.Y.Min, plane.Y.Max = -3, 2, -3, 2
		plane.Legend.Top, plane.Legend.Left = false, false
		plane.Legend.YOffs = vg.Points(8)
		planes = append(planes, plane)
	}
	bar.Finish()
	path, err := examplekit.SaveGrid([][]*plot.Plot{planes}, cfg.Out, "klplane.png", 4.6, 4.3)
	if err != nil {
		return err
	}
	sum.AddFile("klplane.png")
	fmt.Fprintf(w, "\n  wrote %s\n", path)
	path, err = examplekit.SaveGrid(rows, cfg.Out, "fits2d.png", 2.7, 2.9)
	if err != nil {
		return err
	}
	sum.AddFile("fits2d.png")
	fmt.Fprintf(w, "\n  wrote %s\n", path)
	return nil
}

// measure estimates both divergences of a fit by Monte Carlo with n draws
// each, and the PSIS k-hat of q as a proposal for p (examplekit.MeasureKL),
// and counts the modes q covers.
func measure(tg target, q density, n int, rng *rand.Rand) measured {
	k := examplekit.MeasureKL(tg, q, n, rng)
	r := measured{klQP: k.QP, klQPse: k.QPSE, klPQ: k.PQ, klPQse: k.PQSE, khat: k.KHat}
	// Mode coverage: a mode counts as covered when at least 5% of q's draws
	// fall within 1.5 of its centre (2.5 sd of a mode).
	for _, c := range tg.modes {
		in := 0
		for _, z := range k.QDraws {
			if sq(z[0]-c[0])+sq(z[1]-c[1]) < 1.5*1.5 {
				in++
			}
		}
		if float64(in) >= 0.05*float64(n) {
			r.modes++
		}
	}
	return r
}

// contourGrid samples the density exp(logPdf) on the target's window with
// the levels enclosing 50, 90 and 99% of its mass (counted on a wider grid).
func contourGrid(tg target, logPdf func(x, y float64) float64) (*examplekit.Grid, []float64) {
	return examplekit.DensityGrid(logPdf, tg.box, []float64{0.5, 0.9, 0.99})
}

// panel returns an empty square panel over the target's window.
func panel(tg target, title string) *plot.Plot {
	p := examplekit.NewPlot(title, "", "")
	examplekit.TitleSize(p, 10)
	p.X.Label.TextStyle.Font.Size = vg.Points(8)
	return p
}

// fit sets a panel's axes to the target's window (after everything is added:
// adding a plotter widens the axes to its data).
func fit(p *plot.Plot, tg target) {
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = tg.box[0], tg.box[1], tg.box[2], tg.box[3]
}

func modesText(r measured, tg target) string {
	if tg.modes == nil {
		return ""
	}
	return fmt.Sprintf("   modes %d/%d", r.modes, len(tg.modes))
}

func pm(v, se float64) string {
	if se < 0.005 {
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.2f±%.2f", v, se)
}

func logSumExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	if math.IsInf(m, -1) {
		return m
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

func sq(x float64) float64 { return x * x }

func slug(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == ' ' {
			b[i] = '_'
		}
	}
	return string(b)
}
