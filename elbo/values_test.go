package elbo_test

// Value tests of the objectives on a model where every bound has a closed
// form: z ~ N(0, 1), x | z ~ N(z, 1), x observed, with the guide
// q = N(m, s²). log w(z) = log p(x, z) - log q(z) is quadratic in z, so
// E_q[w^c] is a Gaussian integral and the Rényi bounds
// L_α = 1/(1-α) log E_q[w^(1-α)] (Li and Turner 2016), the ELBO
// E_q[log w] and the evidence log p(x) = log N(x; 0, 2) are exact.

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

const gaussX = 1.3

func gaussModel(p *vi.Program) {
	z := p.Sample("z", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(1)})
	p.Observe("x", dist.Normal{Loc: z, Scale: ad.Scalar(1)}, ad.Scalar(gaussX))
}

// fixedGuide is q = N(m, s²) with parameters "m" and "s" created at m0, s0.
func fixedGuide(m0, s0 float64) vi.GuideFunc {
	return func(p *vi.Program) {
		m := p.Param("m", 1, 1, []float64{m0}, nil)
		s := p.Param("s", 1, 1, []float64{s0}, dist.Positive())
		p.Sample("z", dist.Normal{Loc: m, Scale: s})
	}
}

// logWQuad returns the coefficients of log w(z) = a0 + a1 z + a2 z².
func logWQuad(m, s float64) (a0, a1, a2 float64) {
	l2p := math.Log(2 * math.Pi)
	// log p(x, z) = -z²/2 - (x - z)²/2 - log 2π
	// log q(z)    = -(z - m)²/(2s²) - log s - ½ log 2π
	a0 = -gaussX*gaussX/2 - l2p + m*m/(2*s*s) + math.Log(s) + 0.5*l2p
	a1 = gaussX - m/(s*s)
	a2 = -1 + 1/(2*s*s)
	return
}

// logMoment returns log E_q[w^c] for z ~ N(m, s²):
// E[exp(b z + a z²)] = (1 - 2as²)^(-1/2) exp((b²s² + 2bm + 2am²)/(2(1 - 2as²))).
func logMoment(m, s, c float64) float64 {
	a0, a1, a2 := logWQuad(m, s)
	a, b := c*a2, c*a1
	d := 1 - 2*a*s*s
	if d <= 0 {
		return math.Inf(1)
	}
	return c*a0 - 0.5*math.Log(d) + (b*b*s*s+2*b*m+2*a*m*m)/(2*d)
}

// renyiExact returns L_α and the standard error of its K-particle
// estimate (delta method: sd(w^(1-α)) / (E[w^(1-α)] (1-α) √K)).
func renyiExact(m, s, alpha float64, k int) (bound, se float64) {
	c := 1 - alpha
	l1 := logMoment(m, s, c)
	l2 := logMoment(m, s, 2*c)
	bound = l1 / c
	se = math.Sqrt(math.Expm1(l2-2*l1)) / (math.Abs(c) * math.Sqrt(float64(k)))
	return bound, se
}

func logEvidence() float64 { return -gaussX*gaussX/4 - 0.5*math.Log(2*math.Pi*2) }

func lossOnce(t *testing.T, obj vi.Objective, guide vi.Guide, seed uint64) (ad.Var, vi.StepStats, *vi.Env) {
	t.Helper()
	env := vi.NewEnv(rand.New(rand.NewPCG(seed, 7)), 1)
	loss, st, err := obj.Loss(env, gaussModel, guide)
	require.NoError(t, err)
	return loss, st, env
}

// TestGaussianMomentFormula checks the closed form of E_q[w^c] against
// Gauss-Legendre quadrature.
func TestGaussianMomentFormula(t *testing.T) {
	m, s := 0.4, 0.9
	a0, a1, a2 := logWQuad(m, s)
	for _, c := range []float64{0.5, 1, 1.5, 3} {
		f := func(z float64) float64 {
			lq := -(z-m)*(z-m)/(2*s*s) - math.Log(s) - 0.5*math.Log(2*math.Pi)
			return math.Exp(lq + c*(a0+a1*z+a2*z*z))
		}
		got := quad.Fixed(f, m-20*s, m+20*s, 400, nil, 0)
		assert.InEpsilon(t, math.Exp(logMoment(m, s, c)), got, 1e-10, "E[w^%v]", c)
	}
	// At c = 1, E_q[w] is the evidence for any q.
	assert.InDelta(t, logEvidence(), logMoment(m, s, 1), 1e-12)
}

// TestRenyiExactValues: with many particles the Rényi estimate is within
// four standard errors of the exact bound, for α in (0, 1), α < 0 (above
// the evidence) and α = 0 (IWAE). The order L_{-0.5} ≥ log p(x) ≥ L_0 ≥
// L_{0.5} ≥ ELBO holds for the exact values.
func TestRenyiExactValues(t *testing.T) {
	m, s := 0.4, 0.9 // posterior N(0.65, 0.5): q is off-centre and too wide
	const k = 200000
	for _, alpha := range []float64{0.5, 0, -0.5, 0.9} {
		want, se := renyiExact(m, s, alpha, k)
		_, st, _ := lossOnce(t, elbo.Renyi{Alpha: alpha, K: k}, fixedGuide(m, s), 1)
		assert.InDelta(t, want, st.ELBO, 4*se+1e-9, "Rényi α = %v: exact %v ± %v", alpha, want, se)
		assert.Equal(t, vi.PathMonteCarlo, st.Paths["z"])
		assert.True(t, math.IsNaN(st.KL))
	}
	a0, a1, a2 := logWQuad(m, s)
	elboExact := a0 + a1*m + a2*(m*m+s*s)
	lneg, _ := renyiExact(m, s, -0.5, 1)
	l0, _ := renyiExact(m, s, 0, 1)
	lhalf, _ := renyiExact(m, s, 0.5, 1)
	lz := logEvidence()
	assert.InDelta(t, lz, l0, 1e-12, "L_0 = log p(x) exactly (K → ∞)")
	assert.Greater(t, lneg, lz)
	assert.Greater(t, lz, lhalf)
	assert.Greater(t, lhalf, elboExact)

	// IWAE with K draws: log mean_K w, whose bias for large K is
	// -Var(w)/(2K E[w]²) (delta method), within 4 se.
	_, st, _ := lossOnce(t, elbo.IWAE{K: k}, fixedGuide(m, s), 2)
	_, se := renyiExact(m, s, 0, k)
	bias := -math.Expm1(logMoment(m, s, 2)-2*lz) / (2 * k)
	assert.InDelta(t, lz+bias, st.ELBO, 4*se, "IWAE with K = %d", k)
	// IWAE with K = 1 is the ELBO, whose mean over many draws is exact.
	var mean float64
	const reps = 20000
	env := vi.NewEnv(rand.New(rand.NewPCG(3, 7)), 1)
	for i := 0; i < reps; i++ {
		env.Tape.Reset()
		_, st, err := elbo.IWAE{K: 1}.Loss(env, gaussModel, fixedGuide(m, s))
		require.NoError(t, err)
		mean += st.ELBO / reps
	}
	// Var(log w) = a1'² s² + 2 a2² s⁴ for z ~ N(m, s²) with a1' = a1 + 2 a2 m.
	b1 := a1 + 2*a2*m
	sdLogW := math.Sqrt(b1*b1*s*s + 2*a2*a2*s*s*s*s)
	assert.InDelta(t, elboExact, mean, 4*sdLogW/math.Sqrt(reps), "IWAE{K: 1} is the ELBO estimate")
}

// TestRenyiLimits: α = 1 is the ELBO estimate of Trace on the same draws,
// α → 1 approaches it, and α = 0 is IWAE on the same draws.
func TestRenyiLimits(t *testing.T) {
	const k = 64
	g := fixedGuide(0.4, 0.9)
	_, tr, _ := lossOnce(t, elbo.Trace{Particles: k}, g, 5)
	_, r1, _ := lossOnce(t, elbo.Renyi{Alpha: 1, K: k}, g, 5)
	assert.InDelta(t, tr.ELBO, r1.ELBO, 1e-12, "α = 1 is the ELBO on the same draws")
	_, rn, _ := lossOnce(t, elbo.Renyi{Alpha: 1 - 1e-7, K: k}, g, 5)
	assert.InDelta(t, tr.ELBO, rn.ELBO, 1e-5, "α → 1 tends to the ELBO")
	_, r0, _ := lossOnce(t, elbo.Renyi{Alpha: 0, K: k}, g, 5)
	_, iw, _ := lossOnce(t, elbo.IWAE{K: k}, g, 5)
	assert.Equal(t, iw.ELBO, r0.ELBO, "α = 0 is IWAE")
	assert.GreaterOrEqual(t, iw.ELBO, tr.ELBO, "log mean w ≥ mean log w (Jensen) on the same draws")

	// The gradient of the α = 1 loss is the Trace gradient.
	grads := func(obj vi.Objective) []float64 {
		loss, _, env := lossOnce(t, obj, g, 9)
		env.Tape.Backward(loss)
		var out []float64
		for _, p := range env.Params.Params() {
			out = append(out, p.Grad...)
		}
		return out
	}
	gt, gr := grads(elbo.Trace{Particles: k}), grads(elbo.Renyi{Alpha: 1, K: k})
	for i := range gt {
		assert.InDelta(t, gt[i], gr[i], 1e-10, "gradient %d", i)
	}

	// A non-reparameterized guide site is refused.
	disc := func(p *vi.Program) { p.Sample("c", dist.Must(dist.NewBernoulli(0.3))) }
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1)
	_, _, err := elbo.Renyi{Alpha: 0.5, K: 4}.Loss(env, disc, vi.GuideFunc(disc))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `site "c" is not`)
}

// TestRenyiFitReachesPosterior: the guide family contains the posterior,
// at which every Rényi bound equals log p(x); fitting with α = 0.5 reaches
// it.
func TestRenyiFitReachesPosterior(t *testing.T) {
	var ms [][2]float64
	guide := vi.GuideFunc(func(p *vi.Program) {
		m := p.Param("m", 1, 1, []float64{-1}, nil)
		s := p.Param("s", 1, 1, []float64{2}, dist.Positive())
		ms = append(ms, [2]float64{m.Scalar(), s.Scalar()})
		p.Sample("z", dist.Normal{Loc: m, Scale: s})
	})
	res, err := vi.Fit(context.Background(), gaussModel, guide, elbo.Renyi{Alpha: 0.5, K: 32}, optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.01, 1.0/3000)),
		vi.MaxSteps(3000), vi.Seed(1), vi.Draws(4000))
	require.NoError(t, err)
	m, _ := res.Params.Value("m")
	s, _ := res.Params.Value("s")
	assert.InDelta(t, gaussX/2, m.Data[0], 0.02, "posterior mean x/2")
	assert.InDelta(t, math.Sqrt(0.5), s.Data[0], 0.02, "posterior sd √½")
	assert.InDelta(t, logEvidence(), res.ELBO, 4*res.ELBOStdErr+1e-3, "ELBO at the posterior is log p(x)")
}

// TestForwardKLMomentMatches: for a Gaussian posterior the inclusive KL is
// minimized by its mean and sd (moment matching), which the SNIS
// objective reaches; its reported value is the IWAE bound of its draws.
func TestForwardKLMomentMatches(t *testing.T) {
	g := fixedGuide(0.4, 0.9)
	_, fk, _ := lossOnce(t, elbo.ForwardKL{K: 128}, g, 4)
	_, iw, _ := lossOnce(t, elbo.IWAE{K: 128}, g, 4)
	assert.InDelta(t, iw.ELBO, fk.ELBO, 1e-12, "ForwardKL reports the IWAE bound of the same draws")

	res, err := vi.Fit(context.Background(), gaussModel, fixedGuide(-1, 2), elbo.ForwardKL{K: 64}, optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.01, 1.0/3000)),
		vi.MaxSteps(3000), vi.Seed(2), vi.Draws(0))
	require.NoError(t, err)
	m, _ := res.Params.Value("m")
	s, _ := res.Params.Value("s")
	assert.InDelta(t, gaussX/2, m.Data[0], 0.03, "posterior mean")
	assert.InDelta(t, math.Sqrt(0.5), s.Data[0], 0.03, "posterior sd")

	// Autoguides over a joint vector carry no per-site distribution and
	// are scored through vi.GuideDensity (TestForwardKLAutoguides); a site
	// with neither is refused.
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1)
	proto, err := env.RunPrior(gaussModel, 1)
	require.NoError(t, err)
	mvn := autoguide.MultivariateNormal()
	require.NoError(t, mvn.Setup(&vi.Setup{Model: gaussModel, Proto: proto, Params: env.Params, Rand: env.Rand}))
	_, _, err = elbo.ForwardKL{K: 4}.Loss(env, gaussModel, mvn)
	require.NoError(t, err)
	bare := vi.GuideFunc(func(p *vi.Program) {
		z := p.Const(p.Particles(), 1, make([]float64, p.Particles()))
		p.SampleValue("z", nil, z, ad.Var{}, p.Tape().Full(p.Particles(), 1, 0), dist.Real{})
	})
	_, _, err = elbo.ForwardKL{K: 4}.Loss(env, gaussModel, bare)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `guide site "z" carries no distribution and the guide (vi.GuideFunc) does not implement vi.GuideDensity`)
	none := func(p *vi.Program) { p.Factor("f", ad.Scalar(0)) }
	_, _, err = elbo.ForwardKL{K: 2}.Loss(env, none, vi.GuideFunc(func(*vi.Program) {}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no latent sites")
}

// TestForwardKLSamplesErrors: the sampled forward KL needs a sampler with
// draws for every guide site; its value is the mean log q of the draws.
func TestForwardKLSamplesErrors(t *testing.T) {
	g := fixedGuide(0.4, 0.9)
	draws := func(_ *rand.Rand, n int) map[string]ad.Matrix {
		return map[string]ad.Matrix{"z": {Rows: 2, Cols: 1, Data: []float64{0, 1}}}
	}
	_, st, _ := lossOnce(t, elbo.ForwardKLSamples{N: 2, Sample: draws}, g, 1)
	lq := func(z float64) float64 { return -(z-0.4)*(z-0.4)/(2*0.81) - math.Log(0.9) - 0.5*math.Log(2*math.Pi) }
	assert.InDelta(t, (lq(0)+lq(1))/2, st.ELBO, 1e-12, "mean log q of the target draws")
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1)
	_, _, err := elbo.ForwardKLSamples{N: 2}.Loss(env, gaussModel, g)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs a Sample function")
	_, _, err = elbo.ForwardKLSamples{N: 2, Sample: func(*rand.Rand, int) map[string]ad.Matrix { return nil }}.Loss(env, gaussModel, g)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no target draws for site "z"`)
}

// TestSTLGradientVanishesAtPosterior: with sticking-the-landing gradients
// the gradient is exactly zero at every draw when q is the posterior
// (log p - log q is constant), also through a transformed (log-normal)
// guide distribution; the standard estimator's gradient is not.
func TestSTLGradientVanishesAtPosterior(t *testing.T) {
	// theta ~ LogNormal(0, 1), x ~ N(log theta, 1): theta | x is
	// LogNormal(x/2, √½).
	model := func(p *vi.Program) {
		th := p.Sample("theta", dist.Must(dist.NewLogNormal(0, 1)))
		p.Observe("x", dist.Normal{Loc: ad.Log(th), Scale: ad.Scalar(1)}, ad.Scalar(gaussX))
	}
	guide := vi.GuideFunc(func(p *vi.Program) {
		m := p.Param("m", 1, 1, []float64{gaussX / 2}, nil)
		s := p.Param("s", 1, 1, []float64{math.Sqrt(0.5)}, dist.Positive())
		p.Sample("theta", dist.TransformedDistribution{Base: dist.Normal{Loc: m, Scale: s}, Transforms: []dist.Bijector{dist.Exp{}}})
	})
	grad := func(stl bool) []float64 {
		env := vi.NewEnv(rand.New(rand.NewPCG(8, 8)), 1)
		loss, st, err := elbo.Trace{Particles: 16, STL: stl}.Loss(env, model, guide)
		require.NoError(t, err)
		assert.InDelta(t, logEvidence(), st.ELBO, 1e-12, "log w is the log evidence at every draw")
		env.Tape.Backward(loss)
		var out []float64
		for _, p := range env.Params.Params() {
			out = append(out, p.Grad...)
		}
		return out
	}
	for i, g := range grad(true) {
		assert.InDelta(t, 0, g, 1e-12, "STL gradient %d at the posterior", i)
	}
	var norm float64
	for _, g := range grad(false) {
		norm += g * g
	}
	assert.Greater(t, math.Sqrt(norm), 1e-3, "the standard estimator has a non-zero (score) term")
}

// TestTraceEnumTwoSites: with two enumerable guide sites (a Bernoulli and
// a one-hot categorical) TraceEnum's value is the exact
// Σ_d q(d) [log p(x, d) - log q(d)] over the 2 x 3 combinations, and a
// combination with zero guide mass is skipped.
func TestTraceEnumTwoSites(t *testing.T) {
	pb, pc := 0.35, []float64{0.2, 0.5, 0.3}
	centers := [2][3]float64{{-1, 0, 2}, {1, 3, -2}}
	x := []float64{0.7, 1.9}
	model := func(p *vi.Program) {
		b := p.Sample("b", dist.Must(dist.NewBernoulli(pb)))
		c := p.Sample("c", dist.Must(dist.NewOneHotCategorical(pc...)))
		bv, cv := b.Value(), c.Value()
		s := len(bv)
		mu := p.Tape().Buffer(s)
		for i := range mu {
			k := 0
			for j := 0; j < 3; j++ {
				if cv[i*3+j] == 1 {
					k = j
				}
			}
			mu[i] = centers[int(bv[i])][k]
		}
		p.Observe("x", dist.Normal{Loc: p.Const(s, 1, mu), Scale: ad.Scalar(1)}, p.Const(1, 2, x))
	}
	qb, qc := 0.6, []float64{0.1, 0.6, 0.3}
	guide := func(qb float64, qc []float64) vi.GuideFunc {
		return func(p *vi.Program) {
			p.Sample("b", dist.Must(dist.NewBernoulli(qb)))
			p.Sample("c", dist.Must(dist.NewOneHotCategorical(qc...)))
		}
	}
	exact := func(qb float64, qc []float64) float64 {
		var e float64
		for b := 0; b < 2; b++ {
			for c := 0; c < 3; c++ {
				q := qc[c] * []float64{1 - qb, qb}[b]
				if q == 0 {
					continue
				}
				lp := math.Log([]float64{1 - pb, pb}[b]) + math.Log(pc[c])
				for _, xv := range x {
					d := xv - centers[b][c]
					lp += -0.5*d*d - 0.5*math.Log(2*math.Pi)
				}
				e += q * (lp - math.Log(q))
			}
		}
		return e
	}
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1)
	_, st, err := elbo.TraceEnum{}.Loss(env, model, guide(qb, qc))
	require.NoError(t, err)
	assert.InDelta(t, exact(qb, qc), st.ELBO, 1e-12, "exact sum over 6 combinations")
	assert.Equal(t, vi.PathEnumerated, st.Paths["b"])
	assert.Equal(t, vi.PathEnumerated, st.Paths["c"])
	// Zero mass on c = 0 and on b = 0.
	_, st, err = elbo.TraceEnum{}.Loss(env, model, guide(1, []float64{0, 0.4, 0.6}))
	require.NoError(t, err)
	assert.InDelta(t, exact(1, []float64{0, 0.4, 0.6}), st.ELBO, 1e-12, "zero-mass combinations contribute nothing")

	// Errors: too many combinations, a batched site, an infinite support.
	_, _, err = elbo.TraceEnum{MaxCombinations: 5}.Loss(env, model, guide(qb, qc))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 5 combinations")
	batched := vi.GuideFunc(func(p *vi.Program) {
		p.Sample("b", dist.Bernoulli{Probs: ad.Col([]float64{0.3, 0.6})})
	})
	_, _, err = elbo.TraceEnum{}.Loss(env, model, batched)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `site "b" has batch 2`)
	pois := func(p *vi.Program) { p.Sample("k", dist.Must(dist.NewPoisson(50))) }
	_, _, err = elbo.TraceEnum{MaxCombinations: 20}.Loss(env, pois, vi.GuideFunc(pois))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `site "k" has more than 20 values`)
}
