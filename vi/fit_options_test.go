package vi_test

// Tests of the options of vi.Fit (progress, schedules, convergence window,
// checkpoint cadence, the non-finite guard, draws, seeds) and of the
// errors a program reports when it is misused. Exported API only.

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/internal/testmodel"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

var ctx = context.Background()

// TestProgressAndSchedule: OnProgress is called every ProgressEvery steps
// and at the end, with the mean of the step ELBOs since the last report
// and the learning rate of the exponential schedule lr0·γ^step.
func TestProgressAndSchedule(t *testing.T) {
	const lr0, gamma, steps, every = 0.05, 0.995, 230, 50
	var reps []vi.Progress
	res, err := vi.Fit(ctx, normalMean([]float64{1, 2, 3}), autoguide.Normal(), elbo.MeanField{Particles: 2},
		optim.NewExponentialDecay(optim.NewAdam(lr0), gamma), vi.MaxSteps(steps), vi.Seed(3),
		vi.OnProgress(func(p vi.Progress) { reps = append(reps, p) }), vi.ProgressEvery(every), vi.Draws(0))
	require.NoError(t, err)
	require.Len(t, reps, 5, "reports at 50, 100, 150, 200 and the last step 230")
	prev := 0
	for i, r := range reps {
		want := min((i+1)*every, steps)
		assert.Equal(t, want, r.Step)
		assert.InDelta(t, stat.Mean(res.History[prev:r.Step], nil), r.ELBO, 1e-9, "report %d: mean ELBO of its steps", i)
		assert.InEpsilon(t, lr0*math.Pow(gamma, float64(r.Step)), r.LR, 1e-9, "report %d: decayed step size", i)
		assert.True(t, math.IsNaN(r.KL) == false, "MeanField reports its KL")
		assert.Equal(t, vi.PathAnalytic, r.Paths["mu"], "normal guide and prior: closed-form KL")
		assert.Greater(t, r.GradNorm, 0.0)
		prev = r.Step
	}
	assert.Equal(t, "max steps", res.StopReason)
	assert.Len(t, res.History, steps)

	var buf bytes.Buffer
	_, err = vi.Fit(ctx, normalMean([]float64{1}), autoguide.Normal(), elbo.IWAE{K: 2}, optim.NewAdam(0.01), vi.MaxSteps(30),
		vi.OnProgress(vi.PrintProgress(&buf)), vi.ProgressEvery(10), vi.Draws(0))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 3)
	assert.True(t, strings.HasPrefix(lines[2], "step     30  ELBO"), "line: %q", lines[2])
	assert.NotContains(t, lines[0], "KL", "IWAE does not separate the KL")
}

// TestReduceOnPlateauSeesTheLoss: Fit passes every step's loss to a
// schedule that observes losses; on the deterministic loss of a point-mass
// guide at its optimum the step size is cut by Factor after each plateau.
func TestReduceOnPlateauSeesTheLoss(t *testing.T) {
	opt := optim.NewReduceOnPlateau(optim.NewAdam(0.1))
	opt.Patience = 5
	opt.MinLR = 1e-4
	var lrs []float64
	_, err := vi.Fit(ctx, normalMean([]float64{1, 2, 3}), autoguide.Delta(), elbo.Trace{}, opt, vi.MaxSteps(400),
		vi.OnProgress(func(p vi.Progress) { lrs = append(lrs, p.LR) }), vi.ProgressEvery(1), vi.Draws(0))
	require.NoError(t, err)
	assert.Equal(t, 0.1, lrs[0])
	last := lrs[len(lrs)-1]
	assert.Equal(t, 1e-4, last, "the step size falls to MinLR once the loss is flat")
	for i := 1; i < len(lrs); i++ {
		if lrs[i] != lrs[i-1] {
			assert.InEpsilon(t, math.Max(lrs[i-1]*0.1, 1e-4), lrs[i], 1e-12, "each cut is by Factor 0.1")
		}
	}
}

// convergenceStep replays the documented relative-ELBO rule on a history
// of step ELBOs and returns the step at which it stops (0: never).
func convergenceStep(hist []float64, tol float64, every, window int) int {
	var rel []float64
	var prev float64
	havePrev := false
	for end := every; end <= len(hist); end += every {
		m := stat.Mean(hist[end-every:end], nil)
		if havePrev {
			rel = append(rel, math.Abs((m-prev)/m))
			if len(rel) > window {
				rel = rel[1:]
			}
			s := append([]float64(nil), rel...)
			sort.Float64s(s)
			if len(rel) >= 2 && (stat.Mean(rel, nil) < tol || stat.Quantile(0.5, stat.Empirical, s, nil) < tol ||
				(len(s)%2 == 0 && 0.5*(s[len(s)/2-1]+s[len(s)/2]) < tol)) {
				return end
			}
		}
		prev, havePrev = m, true
	}
	return 0
}

// TestConvergenceWindow: the fit stops at the first evaluation where the
// mean or the median of the last window relative changes of the windowed
// ELBO mean falls below the tolerance, as replayed from the history.
func TestConvergenceWindow(t *testing.T) {
	y := []float64{1, 2, 3}
	for _, tc := range []struct {
		tol           float64
		every, window int
	}{{0.01, 50, 3}, {0.002, 20, 5}, {0.005, 100, 0}} {
		res, err := vi.Fit(ctx, normalMean(y), autoguide.Normal(), elbo.Trace{Particles: 4}, optim.NewAdam(0.02),
			vi.MaxSteps(20000), vi.Seed(2), vi.Converge(tc.tol, tc.every, tc.window), vi.Draws(0))
		require.NoError(t, err)
		require.Equal(t, "converged", res.StopReason, "%+v", tc)
		w := tc.window
		if w <= 0 {
			w = max(int(0.1*20000/float64(tc.every)), 2)
		}
		// Run again with the rule off, long enough to see the stopping step.
		full, err := vi.Fit(ctx, normalMean(y), autoguide.Normal(), elbo.Trace{Particles: 4}, optim.NewAdam(0.02),
			vi.MaxSteps(res.Steps+tc.every), vi.Seed(2), vi.Draws(0))
		require.NoError(t, err)
		assert.Equal(t, res.History, full.History[:res.Steps], "the rule does not change the steps before it stops")
		assert.Equal(t, convergenceStep(full.History, tc.tol, tc.every, w), res.Steps, "%+v: stopping step", tc)
		assert.Zero(t, res.Steps%tc.every, "stops on an evaluation step")
		assert.GreaterOrEqual(t, res.Steps, 3*tc.every, "two relative changes need three windows")
	}
}

// TestCheckpointCadence: Checkpoint(path, n) writes the state every n
// steps: a fit cancelled between two checkpoints leaves the one of the
// last multiple of n, from which Resume continues to the same bits as an
// uninterrupted fit.
func TestCheckpointCadence(t *testing.T) {
	dir := t.TempDir()
	ck := filepath.Join(dir, "fit.ck")
	y := []float64{0.3, 1.1, 2.4}
	model := normalMean(y)
	c, cancel := context.WithCancel(ctx)
	defer cancel()
	_, err := vi.Fit(c, model, autoguide.Normal(), elbo.Trace{Particles: 2}, optim.NewAdam(0.05), vi.MaxSteps(200), vi.Seed(9),
		vi.Checkpoint(ck, 40), vi.ProgressEvery(1), vi.OnProgress(func(p vi.Progress) {
			if p.Step == 95 {
				cancel()
			}
		}))
	require.ErrorIs(t, err, context.Canceled)
	// Resuming with a budget of 80 steps takes no step: the checkpoint is
	// at step 80.
	at, err := vi.Fit(ctx, model, autoguide.Normal(), elbo.Trace{Particles: 2}, optim.NewAdam(0.05), vi.MaxSteps(80), vi.Seed(9), vi.Resume(ck), vi.Draws(0))
	require.NoError(t, err)
	assert.Equal(t, 80, at.Steps)
	assert.Len(t, at.History, 80, "checkpoint taken at step 80 (every 40)")
	full, err := vi.Fit(ctx, model, autoguide.Normal(), elbo.Trace{Particles: 2}, optim.NewAdam(0.05), vi.MaxSteps(200), vi.Seed(9), vi.Draws(50))
	require.NoError(t, err)
	resumed, err := vi.Fit(ctx, model, autoguide.Normal(), elbo.Trace{Particles: 2}, optim.NewAdam(0.05), vi.MaxSteps(200), vi.Seed(9), vi.Resume(ck), vi.Draws(50))
	require.NoError(t, err)
	assert.Equal(t, paramValues(full.Params), paramValues(resumed.Params))
	assert.Equal(t, full.History, resumed.History)
	assert.Equal(t, full.ELBO, resumed.ELBO)

	// Resume errors name the problem.
	_, err = vi.Fit(ctx, model, autoguide.Normal(), elbo.Trace{}, optim.NewAdam(0.05), vi.Resume(filepath.Join(dir, "missing")))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vi: resume")
	junk := filepath.Join(dir, "junk")
	require.NoError(t, os.WriteFile(junk, []byte("not gob"), 0o644))
	_, err = vi.Fit(ctx, model, autoguide.Normal(), elbo.Trace{}, optim.NewAdam(0.05), vi.Resume(junk))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a checkpoint")
	_, err = vi.Fit(ctx, model, autoguide.MultivariateNormal(), elbo.Trace{}, optim.NewAdam(0.05), vi.Resume(ck))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `parameter 0 is "auto.mu.loc" in the checkpoint, "auto.loc" now`)
	_, err = vi.Fit(ctx, model, autoguide.Mixture(1), elbo.Trace{}, optim.NewAdam(0.05), vi.Resume(ck))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "checkpoint has 2 parameters, the guide and model have 3")
}

// TestCheckpointWriteError: a checkpoint that cannot be written stops the
// fit with an error naming it.
func TestCheckpointWriteError(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "no", "such", "dir", "ck")
	res, err := vi.Fit(ctx, normalMean([]float64{1}), autoguide.Normal(), elbo.Trace{}, optim.NewAdam(0.05), vi.MaxSteps(20), vi.Checkpoint(bad, 10))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vi: checkpoint")
	assert.Equal(t, "error", res.StopReason)
	assert.Equal(t, 10, res.Steps)
}

// TestDivergenceKeepsBestState: when every step turns non-finite after a
// point, Fit shrinks the step size, then stops after maxFailures failures
// with ErrDiverged and the parameters of the best windowed ELBO: exactly
// those of a clean fit stopped at that evaluation step.
func TestDivergenceKeepsBestState(t *testing.T) {
	y := []float64{0.5, 1.5, 1.0}
	const breakAt = 430
	mk := func(brk int) vi.Model {
		calls := 0
		return func(p *vi.Program) {
			mu := p.Sample("mu", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(10)})
			p.Observe("y", dist.Normal{Loc: mu, Scale: ad.Scalar(1)}, p.Const(1, len(y), y))
			// A likelihood term that goes NaN after brk steps (a
			// parameter would be refused by validation instead).
			f := 0.0
			calls++
			if brk > 0 && calls > brk+1 { // call 1 is the prior run
				f = math.NaN()
			}
			p.Factor("bad", ad.Scale(ad.SumCols(mu), f))
		}
	}
	res, err := vi.Fit(ctx, mk(breakAt), autoguide.Normal(), elbo.Trace{Particles: 3}, optim.NewAdam(0.1), vi.MaxSteps(2000), vi.Seed(5),
		vi.NonFinite(4, 0.25), vi.Converge(0, 50, 0), vi.Draws(0))
	require.ErrorIs(t, err, vi.ErrDiverged)
	assert.Contains(t, err.Error(), "after 4 non-finite steps")
	assert.Contains(t, err.Error(), `site "bad"`)
	assert.Equal(t, "diverged", res.StopReason)
	// The four failed steps count in Steps, the one that stops the fit
	// included (Result.Steps: skipped non-finite steps included).
	assert.Equal(t, breakAt+4, res.Steps, "failed steps after the break")
	require.Len(t, res.History, breakAt, "failed steps record no ELBO")
	// The best windowed mean (windows of 50 steps) of the history.
	best, bestEnd := math.Inf(-1), 0
	for end := 50; end <= breakAt; end += 50 {
		if m := stat.Mean(res.History[end-50:end], nil); m > best {
			best, bestEnd = m, end
		}
	}
	clean, err := vi.Fit(ctx, mk(0), autoguide.Normal(), elbo.Trace{Particles: 3}, optim.NewAdam(0.1), vi.MaxSteps(bestEnd), vi.Seed(5), vi.NoFinalEvaluation())
	require.NoError(t, err)
	assert.Equal(t, paramValues(clean.Params), paramValues(res.Params), "parameters of the best evaluation step %d", bestEnd)

	// Isolated failures shrink the step size by the factor and the fit
	// goes on.
	calls := 0
	flaky := func(p *vi.Program) {
		mu := p.Sample("mu", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(10)})
		calls++
		f := 0.0
		if calls == 101 {
			f = math.Inf(1)
		}
		p.Factor("spike", ad.Scale(ad.SumCols(mu), f))
	}
	var lrs []float64
	res, err = vi.Fit(ctx, flaky, autoguide.Normal(), elbo.Trace{}, optim.NewAdam(0.1), vi.MaxSteps(150), vi.NonFinite(3, 0.5),
		vi.OnProgress(func(p vi.Progress) { lrs = append(lrs, p.LR) }), vi.ProgressEvery(1), vi.Draws(0))
	require.NoError(t, err)
	assert.Equal(t, 150, res.Steps)
	assert.Len(t, res.History, 149, "one skipped step")
	assert.Equal(t, 0.1, lrs[0])
	assert.Equal(t, 0.05, lrs[len(lrs)-1], "step size halved once")
}

// TestNonFiniteGradientNamesTheParameter: a finite loss with a non-finite
// gradient is reported with the parameter's name.
func TestNonFiniteGradientNamesTheParameter(t *testing.T) {
	model := func(p *vi.Program) {
		mu := p.Sample("mu", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(1)})
		w := p.Param("w", 1, 1, []float64{0}, nil)
		// sqrt(w) at w = 0: value 0, derivative infinite.
		p.Factor("f", ad.Add(ad.Scale(ad.SumCols(mu), 0), ad.Sqrt(w)))
	}
	_, err := vi.Fit(ctx, model, autoguide.Normal(), elbo.Trace{}, optim.NewAdam(0.1), vi.MaxSteps(100), vi.NonFinite(2, 0.5))
	require.ErrorIs(t, err, vi.ErrDiverged)
	assert.Contains(t, err.Error(), `parameter "w"[0] has gradient`)
}

// TestSeedsAndGOMAXPROCS: a seed reproduces a fit bit for bit, also with
// one thread instead of many and with the same guide run twice; draws are
// reproduced too.
func TestSeedsAndGOMAXPROCS(t *testing.T) {
	c := testmodel.NewConjugate()
	fit := func() *vi.Result {
		res, err := vi.Fit(ctx, c.Model(), autoguide.MultivariateNormal(), elbo.Trace{Particles: 64}, optim.NewAdam(0.02), vi.MaxSteps(100), vi.Seed(42), vi.Draws(300))
		require.NoError(t, err)
		return res
	}
	a := fit()
	old := runtime.GOMAXPROCS(1)
	b := fit()
	runtime.GOMAXPROCS(old)
	assert.Equal(t, paramValues(a.Params), paramValues(b.Params))
	assert.Equal(t, a.History, b.History)
	assert.Equal(t, a.Draws["beta"].Data, b.Draws["beta"].Data)
	assert.Equal(t, a.LogWeights, b.LogWeights)
}

// TestDrawsAndSummaries: Draws(n) keeps n draws per site; Summaries are
// the sample mean, sd and type-7 quantiles of the draws; NoFinalEvaluation
// and Draws(0) keep none; PSISSummaries reweight towards the posterior.
func TestDrawsAndSummaries(t *testing.T) {
	y := []float64{1, 2, 3, 0.5}
	model := func(p *vi.Program) {
		normalMean(y)(p)
		mu := p.Trace().Site("mu").Value
		p.Deterministic("twice", ad.Scale(mu, 2))
	}
	res, err := vi.Fit(ctx, model, autoguide.Normal(), elbo.MeanField{Particles: 8}, testmodel.DecayingAdam(0.05, 2000), vi.MaxSteps(2000), vi.Seed(1), vi.Draws(2500))
	require.NoError(t, err)
	assert.Equal(t, []string{"mu", "twice"}, res.Order)
	mu := res.Draws["mu"]
	require.Equal(t, 2500, mu.Rows)
	for i, v := range res.Draws["twice"].Data {
		assert.Equal(t, 2*mu.Data[i], v, "deterministic site recorded at each draw")
	}
	sums := res.Summaries()
	require.Len(t, sums, 2)
	s := sums[0]
	sorted := append([]float64(nil), mu.Data...)
	sort.Float64s(sorted)
	assert.Equal(t, "mu", s.Name)
	assert.InDelta(t, stat.Mean(mu.Data, nil), s.Mean, 1e-12)
	assert.InDelta(t, stat.StdDev(mu.Data, nil), s.SD, 1e-12)
	// Type-7 quantile at p = 0.05: h = 0.05·2499 = 124.95.
	assert.InDelta(t, sorted[124]+0.95*(sorted[125]-sorted[124]), s.Q05, 1e-12)
	assert.InDelta(t, 0.5*(sorted[1249]+sorted[1250]), s.Q50, 1e-12)
	assert.InDelta(t, 2*s.Mean, sums[1].Mean, 1e-12)
	// The exact posterior: N(Σy/(n + 0.01), 1/(n + 0.01)).
	post, sd := 6.5/4.01, 1/math.Sqrt(4.01)
	assert.InDelta(t, post, s.Mean, 4*sd/math.Sqrt(2500)+0.02*sd, "posterior mean within 4 se (+ fit noise)")
	ps, err := res.PSISSummaries()
	require.NoError(t, err, "k-hat %v", res.KHat)
	assert.Less(t, res.KHat, 0.5)
	assert.InDelta(t, post, ps[0].Mean, 4*sd/math.Sqrt(2500)+0.02*sd, "PSIS mean")
	assert.InEpsilon(t, sd, ps[0].SD, 4/math.Sqrt(2*2500)+0.02, "PSIS sd")
	assert.True(t, ps[0].Q05 < ps[0].Q50 && ps[0].Q50 < ps[0].Q95)
	txt := res.Summary()
	assert.Contains(t, txt, "mu ")
	assert.Contains(t, txt, "(2500 draws)")
	assert.Contains(t, txt, "2000 steps (max steps)")

	res, err = vi.Fit(ctx, normalMean(y), autoguide.Normal(), elbo.Trace{}, optim.NewAdam(0.05), vi.MaxSteps(10), vi.NoFinalEvaluation())
	require.NoError(t, err)
	assert.Nil(t, res.Draws)
	assert.True(t, math.IsNaN(res.ELBO) && math.IsNaN(res.KHat))
	_, err = res.PSISSummaries()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no draws")

	// A guide far too narrow for the posterior: k-hat above 0.7 and
	// PSISSummaries says the correction is unreliable.
	res, err = vi.Fit(ctx, normalMean(y), autoguide.Normal(autoguide.WithInitScale(0.02), autoguide.WithInit(autoguide.InitToValues(map[string][]float64{"mu": {-1}}, nil))),
		elbo.Trace{}, optim.NewAdam(0.05), vi.MaxSteps(0), vi.Draws(2000))
	require.NoError(t, err)
	_, err = res.PSISSummaries()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unreliable")
	assert.GreaterOrEqual(t, res.KHat, 0.7)
}

// TestProgramMisuse: misuse of the program API gives errors that name the
// site and what is wrong.
func TestProgramMisuse(t *testing.T) {
	n01 := dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(1)}
	for _, tc := range []struct {
		name  string
		model vi.Model
		msg   string
	}{
		{"duplicate observe", func(p *vi.Program) {
			p.Sample("a", n01)
			p.Observe("a", n01, ad.Scalar(1))
		}, `site "a" declared twice`},
		{"duplicate deterministic", func(p *vi.Program) {
			a := p.Sample("a", n01)
			p.Deterministic("d", a)
			p.Factor("d", ad.Scalar(0))
		}, `site "d" declared twice`},
		{"empty name", func(p *vi.Program) { p.Sample("", n01) }, "a site needs a name"},
		{"nil distribution", func(p *vi.Program) {
			p.Sample("a", n01)
			p.Observe("o", nil, ad.Scalar(1))
		}, `site "o": nil distribution`},
		{"factor not a column", func(p *vi.Program) {
			p.Sample("a", n01)
			p.Factor("f", ad.Full(1, 3, 0))
		}, `factor "f" is 1x3, want a column`},
		{"param shape changes", func(p *vi.Program) {
			p.Sample("a", n01)
			p.Param("w", 1, 2, nil, nil)
			p.Param("w", 2, 1, nil, nil)
		}, `param "w": shape 2x1, created as 1x2`},
		{"param outside its support", func(p *vi.Program) {
			p.Sample("a", n01)
			p.Param("s", 1, 1, []float64{-1}, dist.Positive())
		}, `param "s": initial value`},
		{"param init length", func(p *vi.Program) {
			p.Sample("a", n01)
			p.Param("w", 2, 2, []float64{1, 2, 3}, nil)
		}, `param "w": 3 initial values for 2x2`},
		{"param bad shape", func(p *vi.Program) {
			p.Sample("a", n01)
			p.Param("w", 0, 2, nil, nil)
		}, `param "w": shape 0x2`},
		{"plate of size 0", func(p *vi.Program) {
			p.Sample("a", n01)
			p.Plate("data", 0, 1)
		}, `plate "data" of size 0`},
		{"plate rows", func(p *vi.Program) {
			p.Sample("a", n01)
			p.Plate("data", 3, 0).Rows(ad.Matrix{Rows: 2, Cols: 1, Data: []float64{1, 2}})
		}, `plate "data": data has 2 rows, plate has 3`},
		{"plate cols", func(p *vi.Program) {
			p.Sample("a", n01)
			p.Plate("data", 3, 0).Cols([]float64{1})
		}, `plate "data": data has 1 values, plate has 3`},
		{"particle weights", func(p *vi.Program) {
			p.Sample("a", n01)
			p.SetParticleWeights(ad.Full(5, 1, 0.2))
		}, "particle weights are 5x1"},
	} {
		_, err := vi.Fit(ctx, tc.model, autoguide.Normal(), elbo.Trace{}, optim.NewAdam(0.1), vi.MaxSteps(2))
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.msg, tc.name)
	}

	// The guide and the model must have the same latent sites.
	model := func(p *vi.Program) { p.Sample("a", n01); p.Sample("b", n01) }
	onlyA := vi.GuideFunc(func(p *vi.Program) { p.Sample("a", n01) })
	_, err := vi.Fit(ctx, model, onlyA, elbo.Trace{}, optim.NewAdam(0.1), vi.MaxSteps(2))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `model site "b" has no counterpart in the guide`)
	extra := vi.GuideFunc(func(p *vi.Program) { p.Sample("a", n01); p.Sample("b", n01); p.Sample("c", n01) })
	_, err = vi.Fit(ctx, model, extra, elbo.Trace{}, optim.NewAdam(0.1), vi.MaxSteps(2))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `guide site "c" is not a latent site of the model`)

	// A plate whose size changes between steps.
	size := 4
	grow := func(p *vi.Program) {
		p.Sample("a", n01)
		p.Plate("data", size, 2)
		size++
	}
	_, err = vi.Fit(ctx, grow, autoguide.Normal(), elbo.Trace{}, optim.NewAdam(0.1), vi.MaxSteps(3))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `plate "data": size changed from`)

	env := vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1)
	_, err = env.RunGuide(onlyA, 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "0 particles")
	_, err = vi.Fit(ctx, func(p *vi.Program) { p.Sample("a", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(0)}) },
		autoguide.Normal(), elbo.Trace{}, optim.NewAdam(0.1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "running the model from its prior")
}

// TestTraceAndPlateAccessors: the values traces and plates report, against
// direct computation.
func TestTraceAndPlateAccessors(t *testing.T) {
	assert.Equal(t, "latent", vi.Latent.String())
	assert.Equal(t, "observed", vi.Observed.String())
	assert.Equal(t, "factor", vi.Factor.String())
	assert.Equal(t, "deterministic", vi.Deterministic.String())
	var nilTrace *vi.Trace
	assert.Nil(t, nilTrace.Site("x"))

	data := ad.Matrix{Rows: 5, Cols: 1, Data: []float64{0.1, -0.3, 1.2, 0.7, 2.0}}
	env := vi.NewEnv(rand.New(rand.NewPCG(3, 4)), 1)
	var pl *vi.Plate
	tr, err := env.RunPrior(func(p *vi.Program) {
		assert.Equal(t, 3, p.Particles())
		assert.NotNil(t, p.Rand())
		assert.False(t, p.Drawing())
		pl = p.Plate("pts", 5, 2)
		// A local latent: one batch row per data point of the minibatch,
		// 3 particles x 2 points, particle-major.
		z := pl.Sample("z", dist.Normal{Loc: ad.Full(pl.Len(), 1, 0), Scale: ad.Scalar(1)})
		pl.Observe("x", dist.Normal{Loc: z, Scale: ad.Scalar(0.5)}, ad.TileRows(pl.Rows(data), 3))
	}, 3)
	require.NoError(t, err)
	assert.Equal(t, 2, pl.Len())
	assert.Equal(t, 2.5, pl.Scale())
	require.Len(t, pl.Indices(), 2)
	rows, ok := tr.LogJointRows()
	require.True(t, ok)
	require.Equal(t, 6, rows.Rows())
	zs := tr.Site("z")
	assert.Equal(t, 2.5, tr.Site("x").Scale)
	assert.Equal(t, "pts", zs.Plate)
	for r := 0; r < 6; r++ {
		zv, xv := zs.Value.Value()[r], data.Data[pl.Indices()[r%2]]
		want := 2.5 * (-0.5*zv*zv - 0.5*math.Log(2*math.Pi) + (-0.5*(xv-zv)*(xv-zv)/0.25 - math.Log(0.5) - 0.5*math.Log(2*math.Pi)))
		assert.InDelta(t, want, rows.Value()[r], 1e-12, "row %d: scaled log-density", r)
	}
	per := tr.LogJoint(3).Value()
	for k := 0; k < 3; k++ {
		assert.InDelta(t, rows.Value()[2*k]+rows.Value()[2*k+1], per[k], 1e-12, "particle %d sums its rows", k)
	}
	// Sites with different row counts have no row layout.
	tr, err = env.RunPrior(func(p *vi.Program) {
		p.Sample("a", dist.Normal{Loc: ad.Row([]float64{0, 0}), Scale: ad.Scalar(1)})
		p.Factor("f", ad.Full(3, 1, 0))
	}, 2)
	require.NoError(t, err)
	_, ok = tr.LogJointRows()
	assert.False(t, ok)
	// An unscaled plate uses all the data as it is.
	tr, err = env.RunPrior(func(p *vi.Program) {
		pl := p.Plate("all", 5, 0)
		assert.Nil(t, pl.Indices())
		assert.Equal(t, 5, pl.Len())
		assert.Equal(t, data.Data, pl.Cols(data.Data).Value())
		pl.Observe("x", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(1)}, pl.Rows(data))
	}, 1)
	require.NoError(t, err)
	var want float64
	for _, v := range data.Data {
		want += -0.5*v*v - 0.5*math.Log(2*math.Pi)
	}
	assert.InDelta(t, want, tr.LogJoint(1).Scalar(), 1e-12)
}

// TestLogDensityAndFlat: a Stan-style log-density (a correlated normal
// through Factor over a Flat latent) fitted full-rank gives its mean and
// covariance; Constrain records derived quantities.
func TestLogDensityAndFlat(t *testing.T) {
	// log p(z) = -½ (z-m)ᵀ P (z-m) with P = [[2, 0.9], [0.9, 1]].
	m := []float64{1, -2}
	ld := vi.LogDensity{Dim: 2, LogJoint: func(tp *ad.Tape, z ad.Var) ad.Var {
		d := ad.Sub(z, tp.Const(1, 2, m))
		pd := ad.MatMul(d, tp.Const(2, 2, []float64{2, 0.9, 0.9, 1}))
		return ad.Scale(ad.SumCols(ad.Mul(pd, d)), -0.5)
	}, Constrain: func(p *vi.Program, z ad.Var) {
		p.Deterministic("sum", ad.SumCols(z))
	}}
	res, err := vi.Fit(ctx, ld.Model(), autoguide.MultivariateNormal(), elbo.Trace{Particles: 4, STL: true}, testmodel.DecayingAdam(0.03, 3000), vi.MaxSteps(3000), vi.Seed(1), vi.Draws(4000))
	require.NoError(t, err)
	loc := testmodel.ParamData(t, res.Params, "auto.loc")
	assert.InDelta(t, m[0], loc[0], 1e-3)
	assert.InDelta(t, m[1], loc[1], 1e-3)
	cov := testmodel.FullCovFromTril(testmodel.ParamData(t, res.Params, "auto.scale_tril"), 2)
	det := 2*1 - 0.81
	assert.InEpsilon(t, 1/det, cov.At(0, 0), 1e-3, "Σ = P⁻¹")
	assert.InEpsilon(t, 2/det, cov.At(1, 1), 1e-3)
	assert.InEpsilon(t, -0.9/det, cov.At(0, 1), 1e-3)
	// sum = z₁ + z₂ has mean -1 and variance 1ᵀ Σ 1.
	vs := (1 + 2 - 1.8) / det
	sum := res.Draws["sum"].Data
	assert.InDelta(t, -1, stat.Mean(sum, nil), 4*math.Sqrt(vs/4000))
	// The evidence of the unnormalized density: log(2π/√det P).
	assert.InDelta(t, math.Log(2*math.Pi/math.Sqrt(det)), res.ELBO, 1e-3)

	f := vi.Flat{Cols: 3}
	assert.Error(t, vi.Flat{}.Validate())
	assert.NoError(t, f.Validate())
	b, c := f.Shape()
	assert.Equal(t, [2]int{1, 3}, [2]int{b, c})
	assert.Equal(t, make([]float64, 6), f.Sample(nil, 2).Value())
	assert.Equal(t, []float64{0, 0}, f.LogProb(ad.Full(2, 3, 7)).Value())
	assert.Equal(t, dist.Real{}, f.Support())
	assert.Panics(t, func() { f.LogProb(ad.Full(2, 2, 0)) })
}

// TestBindAdoptsCallerParams: Bind registers a caller-owned parameter that
// Fit then optimizes in place; a second parameter with the same name is an
// error.
func TestBindAdoptsCallerParams(t *testing.T) {
	w := ad.NewParam("w", 1, 1, []float64{0})
	// y ~ N(w, 1) with w a parameter: the maximum-likelihood w is the mean.
	y := []float64{1, 2, 4}
	model := func(p *vi.Program) {
		p.Sample("a", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(1)})
		p.Observe("y", dist.Normal{Loc: p.Bind(w), Scale: ad.Scalar(1)}, p.Const(1, 3, y))
	}
	res, err := vi.Fit(ctx, model, autoguide.Normal(), elbo.Trace{}, testmodel.DecayingAdam(0.1, 2000), vi.MaxSteps(2000), vi.Draws(0))
	require.NoError(t, err)
	assert.InDelta(t, 7.0/3, w.Val[0], 1e-3, "the bound parameter is updated in place")
	assert.Same(t, w, res.Params.Get("w").Raw)

	other := ad.NewParam("w", 1, 1, nil)
	dup := func(p *vi.Program) {
		p.Sample("a", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(1)})
		p.Bind(w)
		p.Bind(other)
	}
	_, err = vi.Fit(ctx, dup, autoguide.Normal(), elbo.Trace{}, optim.NewAdam(0.1), vi.MaxSteps(2))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `param "w": another parameter is already stored as w`)
}

// TestSaveLoadErrors: file errors of SaveParams and LoadParams name the
// path; SetParams refuses mismatched parameters without changing any.
func TestSaveLoadErrors(t *testing.T) {
	dir := t.TempDir()
	store := vi.NewParamStore()
	_, err := store.Add("a", 1, 2, []float64{1, 2})
	require.NoError(t, err)
	_, err = store.Add("a", 2, 1, nil)
	require.Error(t, err, "same name, other shape")
	assert.Contains(t, err.Error(), `param "a": shape 2x1, created as 1x2`)
	err = vi.SaveParams(filepath.Join(dir, "missing", "p.json"), store)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vi: SaveParams")
	_, err = vi.LoadParams(filepath.Join(dir, "none.json"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vi: LoadParams")
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"format": "kldiv.params", "version": 2, "params": []}`), 0o644))
	_, err = vi.LoadParams(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "version 2, want 1")
	assert.Contains(t, err.Error(), bad, "the error names the file")

	for _, tc := range []struct {
		saved []vi.SavedParam
		msg   string
	}{
		{nil, `parameter "a" is not in the saved parameters`},
		{[]vi.SavedParam{{Name: "a", Rows: 2, Cols: 1, Values: []float64{5, 6}}}, `parameter "a" is 1x2, saved as 2x1`},
		{[]vi.SavedParam{{Name: "a", Rows: 1, Cols: 2, Values: []float64{5, 6}}, {Name: "b", Rows: 1, Cols: 1, Values: []float64{1}}}, `saved parameter "b" is not a parameter of the guide`},
	} {
		err := vi.SetParams(store, tc.saved)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.msg)
		assert.Equal(t, []float64{1, 2}, store.Get("a").Raw.Val, "nothing changed")
	}
	require.NoError(t, vi.SetParams(store, []vi.SavedParam{{Name: "a", Rows: 1, Cols: 2, Values: []float64{5, 6}}}))
	assert.Equal(t, []float64{5, 6}, store.Get("a").Raw.Val)
	_, ok := store.Value("zz")
	assert.False(t, ok)
}
