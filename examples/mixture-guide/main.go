// Command mixture-guide fits a mixture as the variational family to a
// multimodal target, against a single Gaussian, under both directions of
// the KL divergence.
//
// The target is a 2-D mixture of four Gaussians: two round modes of weight
// 0.3, one elongated mode of weight 0.3 and one weak round mode of weight
// 0.1. Four fits of it:
//
//   - a full-rank Gaussian under reverse KL(q || p) (the ELBO): mode seeking,
//     it settles on one mode;
//   - a full-rank Gaussian under forward KL(p || q) (-E_p[log q] with exact
//     draws of p): mass covering, its optimum is the target's mean and
//     covariance, and it puts its mass in the empty middle;
//   - a mixture of K mean-field Gaussians (autoguide.Mixture) under reverse KL;
//   - the same mixture family under forward KL.
//
// The target lies in the mixture family (its components are axis-aligned),
// so both mixture fits can reach KL = 0; what is left is optimization.
// Every fit is measured the same way: modes covered, KL(q || p) and
// KL(p || q) by Monte Carlo with standard errors (p is normalized, so both
// estimates are unbiased) and the PSIS k-hat of q as a proposal for p.
//
//	go run ./examples/mixture-guide -out out/mixture-guide
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/internal/examplekit"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// config is the shared command line plus this example's own flag.
type config struct {
	examplekit.Config
	K int // mixture components
}

func main() {
	k := 8
	base := examplekit.ParseFlags("mixture-guide", os.Args[1:], func(fs *flag.FlagSet) {
		fs.IntVar(&k, "k", 8, "components of the mixture guide")
	})
	if _, err := run(config{Config: base, K: k}, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mixture-guide:", err)
		os.Exit(1)
	}
}

// Mode coverage. Let E_i be the ellipse (z - m_i)ᵀ Σ_i⁻¹ (z - m_i) <=
// coverRadius² around target component i (mean m_i, covariance Σ_i); it
// holds 1 - exp(-coverRadius²/2) = 86% of that component's own mass, so
// p(E_i) ≈ 0.86 w_i. A mode counts as covered by q when q(E_i) >=
// coverFrac · p(E_i): q puts at least half as much mass on the mode as the
// target does. Both masses are Monte Carlo fractions of draws.
const (
	coverRadius = 2.0
	coverFrac   = 0.5
)

// modeNames label the target's components in the output.
var modeNames = []string{"NW round", "NE round", "SW elongated", "SE weak"}

// newTarget returns the target p: four axis-aligned Gaussians at (±3, ±3),
// well separated, one weak (SE) and one elongated along x (SW).
func newTarget() examplekit.Mix2 {
	return examplekit.Mix2{
		W:    []float64{0.3, 0.3, 0.3, 0.1},
		Mean: [][2]float64{{-3, 3}, {3, 3}, {-3, -3}, {3, -3}},
		Cov:  [][3]float64{{0.36, 0, 0.36}, {0.36, 0, 0.36}, {1.6 * 1.6, 0, 0.4 * 0.4}, {0.36, 0, 0.36}},
	}
}

// logProb is the target's log-density on the tape (S x 2 -> S x 1): a
// log-sum-exp over the weighted components.
func logProb(tg examplekit.Mix2, z ad.Var) ad.Var {
	comps := make([]ad.Var, len(tg.W))
	for i := range tg.W {
		n := dist.Normal{Loc: ad.Row(tg.Mean[i][:]), Scale: ad.Row([]float64{math.Sqrt(tg.Cov[i][0]), math.Sqrt(tg.Cov[i][2])})}
		comps[i] = ad.Shift(n.LogProb(z), math.Log(tg.W[i]))
	}
	return ad.LogSumExpCols(ad.ConcatCols(comps...))
}

// model turns the target into a kldiv program: one latent site z on R² with
// a flat prior and the target's log-density as a factor. Because the target
// is normalized, the ELBO of a fit is exactly -KL(q || p).
func model(tg examplekit.Mix2) vi.Model {
	return func(p *vi.Program) {
		z := p.Sample("z", vi.Flat{Cols: 2})
		p.Factor("target", logProb(tg, z))
	}
}

// forwardKL is the forward objective KL(p || q) = const - E_p[log q] with N
// exact draws of the target per step: for a Gaussian q its optimum is the
// target's mean and covariance, for a mixture q it is maximum likelihood on
// an endless stream of target draws.
func forwardKL(tg examplekit.Mix2) vi.Objective {
	return elbo.ForwardKLSamples{N: 256, Sample: func(rng *rand.Rand, n int) map[string]ad.Matrix {
		z := make([]float64, 2*n)
		for i := range n {
			z[2*i], z[2*i+1] = tg.Sample(rng)
		}
		return map[string]ad.Matrix{"z": {Rows: n, Cols: 2, Data: z}}
	}}
}

// mixtureGuide is autoguide.Mixture's family written by hand: k
// axis-aligned Gaussians with locations, softplus scales and softmax
// weights, as one dist.MixtureSameFamily site, so that the forward-KL
// objectives score target draws under that site's distribution.
// (autoguide.Mixture itself also works under forward KL now, through
// vi.GuideDensity; the example keeps this form to show the family whole.)
// It starts as autoguide.Mixture does: locations at 0 plus
// N(0, (3·scale)²) jitter, scales at scale, equal weights.
func mixtureGuide(k int, scale float64, rng *rand.Rand) vi.GuideFunc {
	locs := make([]float64, 2*k)
	for i := range locs {
		locs[i] = 3 * scale * rng.NormFloat64()
	}
	raw := make([]float64, 2*k)
	for i := range raw {
		raw[i] = math.Log(math.Expm1(scale)) // softplus⁻¹
	}
	return func(p *vi.Program) {
		l := p.Param("mix.locs", k, 2, locs, nil)
		s := ad.Softplus(p.Param("mix.scales", k, 2, raw, nil))
		w := p.Param("mix.logits", 1, k, make([]float64, k), nil)
		p.Sample("z", dist.MixtureSameFamily{Logits: w, Components: dist.Normal{Loc: l, Scale: s}})
	}
}

// fitResult is one fitted q with the way it was fitted.
type fitResult struct {
	key, name string
	colour    int
	q         examplekit.Mix2
}

// fitAll runs the four fits. Reverse KL only looks where q already is, so
// a mixture component that never visits a mode cannot learn that it is
// there, and maximum likelihood by gradient steps can also park two
// components on one mode: both mixture fits restart from several seeds and
// keep the restart with the best value of their own objective (measured on
// fresh draws), which is what a user would do.
func fitAll(cfg config, tg examplekit.Mix2, steps, restarts int, bar *examplekit.Bar) ([]fitResult, error) {
	ctx := context.Background()
	opt := func() optim.Optimizer { return optim.NewAdam(0.02) }
	start := [2]float64{0.5, 1} // off the symmetric centre, so that a mode-seeking fit has a mode to fall into
	var out []fitResult

	// The single Gaussians: the same guide under both objectives.
	for _, f := range []struct {
		key, name string
		colour    int
		obj       vi.Objective
	}{
		{"gauss_reverse", "Gaussian, reverse KL(q||p)", 4, elbo.Trace{Particles: 32}},
		{"gauss_forward", "Gaussian, forward KL(p||q)", 5, forwardKL(tg)},
	} {
		var trail [][5]float64
		if _, err := vi.Fit(ctx, model(tg), examplekit.FullRank2(start, 0.5, &trail), f.obj, opt(),
			vi.MaxSteps(steps), vi.Seed(cfg.Seed), vi.Draws(0)); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		bar.Add(1)
		out = append(out, fitResult{f.key, f.name, f.colour, examplekit.Averaged(trail)})
	}

	// The mixtures.
	check := rand.New(rand.NewPCG(cfg.Seed, 7))
	var bestRev, bestFwd examplekit.Mix2
	revKL, fwdKL := math.Inf(1), math.Inf(1)
	for r := range restarts {
		seed := cfg.Seed + 1000*uint64(r)
		q, err := fitMixture(tg, cfg.K, true, steps, seed)
		if err != nil {
			return nil, err
		}
		if kl := examplekit.MeasureKL(tg, q, 2000, check).QP; kl < revKL {
			bestRev, revKL = q, kl
		}
		bar.Add(1)
		if q, err = fitMixture(tg, cfg.K, false, steps, seed); err != nil {
			return nil, err
		}
		if kl := examplekit.MeasureKL(tg, q, 2000, check).PQ; kl < fwdKL {
			bestFwd, fwdKL = q, kl
		}
		bar.Add(1)
	}
	out = append(out,
		fitResult{"mix_reverse", fmt.Sprintf("mixture (K = %d), reverse KL(q||p)", cfg.K), 6, bestRev},
		fitResult{"mix_forward", fmt.Sprintf("mixture (K = %d), forward KL(p||q)", cfg.K), 3, bestFwd})
	return out, nil
}

// fitMixture fits a mixture of k axis-aligned Gaussians to the target from
// one seed, under reverse KL (autoguide.Mixture with the ELBO; its stratified
// estimator draws 12 particles from each component) or forward KL (the same
// family by hand, see mixtureGuide).
func fitMixture(tg examplekit.Mix2, k int, reverse bool, steps int, seed uint64) (examplekit.Mix2, error) {
	ctx := context.Background()
	if reverse {
		res, err := vi.Fit(ctx, model(tg), autoguide.Mixture(k, autoguide.WithInitScale(1)), elbo.Trace{Particles: 12 * k},
			optim.NewAdam(0.02), vi.MaxSteps(steps), vi.Seed(seed), vi.Draws(0))
		if err != nil {
			return examplekit.Mix2{}, fmt.Errorf("autoguide.Mixture, reverse KL: %w", err)
		}
		return examplekit.AutoMixture2(res.Params, "auto")
	}
	res, err := vi.Fit(ctx, model(tg), mixtureGuide(k, 1, rand.New(rand.NewPCG(seed, 1))), forwardKL(tg),
		optim.NewAdam(0.02), vi.MaxSteps(steps), vi.Seed(seed), vi.Draws(0))
	if err != nil {
		return examplekit.Mix2{}, fmt.Errorf("mixture, forward KL: %w", err)
	}
	lv, _ := res.Params.Value("mix.locs")
	sv, _ := res.Params.Value("mix.scales")
	wv, _ := res.Params.Value("mix.logits")
	return examplekit.MixFromRaw(lv.Data, sv.Data, wv.Data), nil
}

// restartStudy fits the mixture from n seeds with as many components as
// the target has modes (4) and with twice as many (8), in both directions,
// and reports how often a single run covers all four modes. Reverse KL
// cannot move a component across the empty space between modes (its
// gradient only sees where q already is), so with exactly four components a
// run that starts two of them in one basin misses a mode for good; spare
// components make that much rarer. Forward KL sees every mode through the
// target's draws.
func restartStudy(cfg config, w io.Writer, sum *examplekit.Summary, tg examplekit.Mix2, steps, n int, bar *examplekit.Bar) error {
	fmt.Fprintf(w, "\nRestart study: %d single runs per row (no best-of); both KLs by Monte Carlo, 4000 draws each.\n", n)
	fmt.Fprintf(w, "  %-3s %-10s %-14s %s\n", "K", "objective", "runs with 4/4", "median KL(q||p)   median KL(p||q)")
	for _, k := range []int{4, 8} {
		for _, reverse := range []bool{true, false} {
			all, qps, pqs := 0, []float64{}, []float64{}
			for r := range n {
				q, err := fitMixture(tg, k, reverse, steps, cfg.Seed+7919*uint64(r+1))
				if err != nil {
					return err
				}
				m := examplekit.MeasureKL(tg, q, 4000, rand.New(rand.NewPCG(cfg.Seed, uint64(300+r))))
				if _, _, c := coverage(tg, m.QDraws, rand.New(rand.NewPCG(cfg.Seed, uint64(400+r)))); c == len(tg.W) {
					all++
				}
				qps, pqs = append(qps, m.QP), append(pqs, m.PQ)
				bar.Add(1)
			}
			name := map[bool]string{true: "reverse", false: "forward"}[reverse]
			fmt.Fprintf(w, "  %-3d %-10s %2d of %-8d %10.4f %17.4f\n", k, name, all, n, median(qps), median(pqs))
			key := fmt.Sprintf("restarts_k%d_%s_", k, name)
			sum.Set(key+"all_modes", all)
			sum.Set(key+"median_kl_qp", median(qps))
			sum.Set(key+"median_kl_pq", median(pqs))
		}
	}
	sum.Set("restarts_runs", n)
	return nil
}

func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// coverage returns, for each target mode, the fractions of q's draws and
// of p's draws inside the mode's ellipse E_i, and how many modes q covers.
func coverage(tg examplekit.Mix2, qDraws [][2]float64, rng *rand.Rand) (qMass, pMass []float64, covered int) {
	pDraws := make([][2]float64, len(qDraws))
	for i := range pDraws {
		pDraws[i][0], pDraws[i][1] = tg.Sample(rng)
	}
	frac := func(i int, draws [][2]float64) float64 {
		in := 0
		for _, z := range draws {
			if tg.Mahalanobis2(i, z[0], z[1]) <= coverRadius*coverRadius {
				in++
			}
		}
		return float64(in) / float64(len(draws))
	}
	for i := range tg.W {
		qMass = append(qMass, frac(i, qDraws))
		pMass = append(pMass, frac(i, pDraws))
		if qMass[i] >= coverFrac*pMass[i] {
			covered++
		}
	}
	return qMass, pMass, covered
}

// run does the whole example, printing to w and writing pictures and
// summary.json to cfg.Out. It returns the summary (the test reads it).
func run(cfg config, w io.Writer) (*examplekit.Summary, error) {
	if cfg.K < 1 {
		return nil, fmt.Errorf("-k = %d: need at least one component", cfg.K)
	}
	// Quick mode keeps the steps (fewer leave the forward-KL Gaussian
	// short of its optimum: its covariance is still growing at 1,500) and
	// cuts restarts and Monte Carlo draws.
	steps, restarts, draws := 3000, 4, 40000
	if cfg.Quick {
		restarts, draws = 3, 5000
	}
	sum := examplekit.NewSummary("mixture-guide", cfg.Config)
	tg := newTarget()
	mean, cov := tg.Moments()
	fmt.Fprintln(w, "Target p: a 2-D mixture of four Gaussians")
	for i, n := range modeNames {
		fmt.Fprintf(w, "  %-13s weight %.1f  mean (%+.0f, %+.0f)  sd (%.1f, %.1f)\n", n, tg.W[i], tg.Mean[i][0], tg.Mean[i][1], math.Sqrt(tg.Cov[i][0]), math.Sqrt(tg.Cov[i][2]))
	}
	fmt.Fprintf(w, "  mean (%.3f, %.3f), covariance [[%.4f, %.4f], [%.4f, %.4f]] (the forward-KL Gaussian optimum)\n",
		mean[0], mean[1], cov[0], cov[1], cov[1], cov[2])
	sum.Set("target_mean", mean[:])
	sum.Set("target_cov", cov[:])
	sum.Set("cover_radius", coverRadius)
	sum.Set("cover_frac", coverFrac)
	sum.Set("k", cfg.K)

	studyRuns := 10
	if cfg.Quick {
		studyRuns = 0 // the study is the slow part; quick mode skips it
	}
	bar := cfg.Progress("fits", 2+2*restarts+4*studyRuns)
	fits, err := fitAll(cfg, tg, steps, restarts, bar)
	if err != nil {
		return nil, err
	}

	fmt.Fprintf(w, "\nFits (Adam 0.02, %d steps; mixtures best of %d restarts). KL by Monte Carlo, %d draws, ± one standard error.\n", steps, restarts, draws)
	fmt.Fprintf(w, "Mode i is covered when q puts at least %.1f times p's mass inside the ellipse of Mahalanobis radius %.0f around it.\n", coverFrac, coverRadius)
	fmt.Fprintf(w, "  %-36s %17s %17s %6s %6s   q mass at NW NE SW SE\n", "fit", "KL(q||p)", "KL(p||q)", "k-hat", "modes")
	type row struct {
		f       fitResult
		r       examplekit.KLs
		covered int
	}
	var rows []row
	for i, f := range fits {
		r := examplekit.MeasureKL(tg, f.q, draws, rand.New(rand.NewPCG(cfg.Seed, uint64(100+i))))
		mass, pMass, covered := coverage(tg, r.QDraws, rand.New(rand.NewPCG(cfg.Seed, uint64(200+i))))
		if i == 0 {
			ps := make([]string, len(pMass))
			for j, m := range pMass {
				ps[j] = fmt.Sprintf("%.3f", m)
			}
			fmt.Fprintf(w, "  %-36s %17s %17s %6s %6s   %s\n", "target p itself", "", "", "", "", strings.Join(ps, " "))
			sum.Set("target_mode_mass", pMass)
		}
		rows = append(rows, row{f, r, covered})
		ms := make([]string, len(mass))
		for j, m := range mass {
			ms[j] = fmt.Sprintf("%.3f", m)
		}
		fmt.Fprintf(w, "  %-36s %8.4f ± %-6.4f %8.4f ± %-6.4f %6.2f %4d/4   %s\n", f.name, r.QP, r.QPSE, r.PQ, r.PQSE, r.KHat, covered, strings.Join(ms, " "))
		k := f.key + "_"
		sum.Set(k+"kl_qp", r.QP)
		sum.Set(k+"kl_qp_se", r.QPSE)
		sum.Set(k+"kl_pq", r.PQ)
		sum.Set(k+"kl_pq_se", r.PQSE)
		sum.Set(k+"khat", r.KHat)
		sum.Set(k+"modes", covered)
		sum.Set(k+"mode_mass", mass)
		// The fitted density itself, so that the test can integrate it.
		var flatMean, flatCov []float64
		for c := range f.q.W {
			flatMean = append(flatMean, f.q.Mean[c][:]...)
			flatCov = append(flatCov, f.q.Cov[c][:]...)
		}
		sum.Set(k+"weights", f.q.W)
		sum.Set(k+"means", flatMean)
		sum.Set(k+"covs", flatCov)
	}
	if studyRuns > 0 {
		if err := restartStudy(cfg, w, sum, tg, steps, studyRuns, bar); err != nil {
			return nil, err
		}
	}
	bar.Finish()
	g := fits[1].q
	fmt.Fprintf(w, "\nForward-KL Gaussian: mean (%.3f, %.3f), covariance [[%.3f, %.3f], [%.3f, %.3f]]; exact optimum above.\n",
		g.Mean[0][0], g.Mean[0][1], g.Cov[0][0], g.Cov[0][1], g.Cov[0][1], g.Cov[0][2])

	// Picture 1: the four fits, each over the target, at equal enclosed
	// masses so that shapes compare directly.
	box := [4]float64{-7.5, 7.5, -7, 8.5}
	axisTicks := plot.ConstantTicks{{Value: -6, Label: "-6"}, {Value: -3, Label: "-3"}, {Value: 0, Label: "0"}, {Value: 3, Label: "3"}, {Value: 6, Label: "6"}}
	masses := []float64{0.5, 0.9, 0.99}
	pg, plev := examplekit.DensityGrid(tg.LogPdf, box, masses)
	// fitPanels draws the 2 x 2 panels; detail adds the numbers, the
	// coverage ellipses and the legend (the small preview leaves them out).
	fitPanels := func(detail bool) ([][]*plot.Plot, error) {
		var panels []*plot.Plot
		for _, r := range rows {
			title := r.f.name
			if !detail {
				title = strings.Replace(title, fmt.Sprintf(" (K = %d)", cfg.K), "", 1)
			}
			p := examplekit.NewPlot(title, "z₁", "z₂")
			examplekit.TitleSize(p, 11)
			if !detail {
				examplekit.TitleSize(p, 8)
				p.X.Label.TextStyle.Font.Size = vg.Points(7)
				p.Y.Label.TextStyle.Font.Size = vg.Points(7)
				p.X.Tick.Label.Font.Size = vg.Points(6)
				p.Y.Tick.Label.Font.Size = vg.Points(6)
			}
			if err := examplekit.ContoursAt(p, pg, plev, examplekit.Fade(examplekit.Color(0), 0.35), "target p (contours hold 50, 90, 99%)"); err != nil {
				return nil, err
			}
			qg, qlev := examplekit.DensityGrid(r.f.q.LogPdf, box, masses)
			if err := examplekit.ContoursAt(p, qg, qlev, examplekit.Color(r.f.colour), "fit q (the same masses)"); err != nil {
				return nil, err
			}
			p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = box[0], box[1], box[2], box[3]
			p.X.Tick.Marker, p.Y.Tick.Marker = axisTicks, axisTicks
			if !detail {
				p.Legend = plot.NewLegend()
				panels = append(panels, p)
				continue
			}
			// The coverage ellipses, dashed.
			for i := range tg.W {
				if err := examplekit.Line(p, examplekit.EllipsePoints(tg.Mean[i], tg.Cov[i][0], tg.Cov[i][1], tg.Cov[i][2], coverRadius), "", examplekit.Fade(examplekit.Color(0), 0.5), true); err != nil {
					return nil, err
				}
			}
			p.X.Label.Text = fmt.Sprintf("z₁\nKL(q||p) %s   KL(p||q) %s   k-hat %.2f   modes %d/4", pm(r.r.QP, r.r.QPSE), pm(r.r.PQ, r.r.PQSE), r.r.KHat, r.covered)
			p.X.Label.TextStyle.Font.Size = vg.Points(9)
			// One legend, in the first panel's empty top band (the fit's
			// colour changes from panel to panel; the target is grey in
			// all four).
			if len(panels) == 0 {
				if err := examplekit.Line(p, plotter.XYs{{X: box[0], Y: box[2]}, {X: box[0], Y: box[2]}}, "coverage ellipses E_i (Mahalanobis radius 2)", examplekit.Fade(examplekit.Color(0), 0.5), true); err != nil {
					return nil, err
				}
				examplekit.LegendTopLeft(p)
			} else {
				p.Legend = plot.NewLegend()
			}
			panels = append(panels, p)
		}
		return [][]*plot.Plot{{panels[0], panels[1]}, {panels[2], panels[3]}}, nil
	}
	grid, err := fitPanels(true)
	if err != nil {
		return nil, err
	}
	path, err := examplekit.SaveGrid(grid, cfg.Out, "fits.png", 4.4, 4.4)
	if err != nil {
		return nil, err
	}
	sum.AddFile("fits.png")
	fmt.Fprintf(w, "\n  wrote %s\n", path)

	// Picture 2: both divergences of each fit with ± 2 standard errors, on a
	// log axis (they span four orders of magnitude). Values below 10⁻³ are
	// drawn at 10⁻³.
	kp := examplekit.NewPlot("Both divergences of each fit (± 2 se)", "fit: family and objective", "KL (nats, log scale)")
	var ticks plot.ConstantTicks
	for _, v := range []float64{1e-3, 1e-2, 0.1, 1, 10, 100} {
		ticks = append(ticks, plot.Tick{Value: math.Log10(v), Label: fmt.Sprint(v)})
	}
	kp.Y.Tick.Marker = ticks
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = strings.Replace(strings.Replace(r.f.name, ", ", "\n", 1), " (K = ", "\n(K = ", 1)
	}
	for j, side := range []struct {
		label  string
		colour int
		v      func(examplekit.KLs) (float64, float64)
		dx     float64
	}{
		{"KL(q||p), reverse", 4, func(r examplekit.KLs) (float64, float64) { return r.QP, r.QPSE }, -0.12},
		{"KL(p||q), forward", 5, func(r examplekit.KLs) (float64, float64) { return r.PQ, r.PQSE }, 0.12},
	} {
		pts := make(plotter.XYs, len(rows))
		errs := make(plotter.YErrors, len(rows))
		for i, r := range rows {
			v, se := side.v(r.r)
			lo, hi := math.Max(v-2*se, 1e-3), math.Max(v+2*se, 1e-3)
			pts[i].X, pts[i].Y = float64(i)+side.dx, math.Log10(math.Max(v, 1e-3))
			errs[i].Low, errs[i].High = pts[i].Y-math.Log10(lo), math.Log10(hi)-pts[i].Y
		}
		if err := examplekit.Scatter(kp, pts, side.label, examplekit.Color(side.colour), 4); err != nil {
			return nil, err
		}
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{pts, errs})
		if err != nil {
			return nil, err
		}
		eb.LineStyle.Color = examplekit.Color(side.colour)
		eb.LineStyle.Width = vg.Points(1.4)
		kp.Add(eb)
		_ = j
	}
	kp.NominalX(names...)
	kp.X.Tick.Label.Font.Size = vg.Points(9)
	kp.Y.Min, kp.Y.Max = -3.2, 2.2
	kp.X.Min, kp.X.Max = -0.5, float64(len(rows))-0.5
	kp.Legend.Top = true
	kp.Legend.Left = false
	path, err = examplekit.Save(kp, cfg.Out, "kl.png", 7, 4.2)
	if err != nil {
		return nil, err
	}
	sum.AddFile("kl.png")
	fmt.Fprintf(w, "  wrote %s\n", path)

	// The preview for the examples index: the four fits, small.
	small, err := fitPanels(false)
	if err != nil {
		return nil, err
	}
	path, err = examplekit.SaveGrid(small, cfg.Out, "preview.png", 2.2, 2.2)
	if err != nil {
		return nil, err
	}
	sum.AddFile("preview.png")
	fmt.Fprintf(w, "  wrote %s\n", path)
	return sum, sum.Save(cfg.Out)
}

// pm formats v ± se compactly.
func pm(v, se float64) string {
	if se < 0.0005 {
		return fmt.Sprintf("%.3f", v)
	}
	return fmt.Sprintf("%.3f±%.3f", v, se)
}
