package autoguide_test

// Value tests of the automatic guides: each guide is fitted to a model whose
// answer is known in closed form (a conjugate posterior, its mode, the
// mean-field optimum of a Gaussian target, a normalized mixture density),
// and the fitted parameters, draws and ELBO are compared with that answer.
// Only exported names are used, so that the file moves with the guides.

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/internal/testmodel"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// checkCov asserts a fitted covariance against the exact one: variances
// within relTol relative, correlations within corrTol.
func checkCov(t *testing.T, want, got mat.Symmetric, relTol, corrTol float64, what string) {
	t.Helper()
	d := want.SymmetricDim()
	for i := 0; i < d; i++ {
		assert.InEpsilon(t, want.At(i, i), got.At(i, i), relTol, "%s: variance %d", what, i)
		for j := 0; j < i; j++ {
			rw := want.At(i, j) / math.Sqrt(want.At(i, i)*want.At(j, j))
			rg := got.At(i, j) / math.Sqrt(got.At(i, i)*got.At(j, j))
			assert.InDelta(t, rw, rg, corrTol, "%s: correlation (%d, %d)", what, i, j)
		}
	}
}

// TestAutoMultivariateNormalIsExact: the full-rank guide can represent the
// Gaussian posterior exactly; with sticking-the-landing gradients (zero
// variance at the exact posterior) the fit reaches it, and log p - log q is
// then the constant log evidence at every draw.
func TestAutoMultivariateNormalIsExact(t *testing.T) {
	c := testmodel.NewConjugate()
	mean, cov, _ := c.Posterior()
	res, err := vi.Fit(context.Background(), c.Model(), autoguide.MultivariateNormal(), elbo.Trace{Particles: 4, STL: true},
		testmodel.DecayingAdam(0.03, 3000), vi.MaxSteps(3000), vi.Seed(3), vi.Draws(2000))
	require.NoError(t, err)
	loc := testmodel.ParamData(t, res.Params, "auto.loc")
	for i := range mean {
		assert.InDelta(t, mean[i], loc[i], 1e-3*math.Sqrt(cov.At(i, i)), "posterior mean %d (exact %v)", i, mean[i])
	}
	checkCov(t, cov, testmodel.FullCovFromTril(testmodel.ParamData(t, res.Params, "auto.scale_tril"), 3), 1e-3, 1e-3, "full-rank")
	ev := c.LogEvidence()
	assert.InDelta(t, ev, res.ELBO, 1e-3, "ELBO at the exact posterior is the log evidence %v", ev)
	assert.Less(t, res.ELBOStdErr, 1e-3, "log weights are constant at the exact posterior")
	// The draws are in constrained space: log theta is the posterior of u.
	th := res.Draws["theta"]
	logth := make([]float64, th.Rows)
	for i, v := range th.Data {
		logth[i] = math.Log(v)
	}
	n := float64(th.Rows)
	sd := math.Sqrt(cov.At(0, 0))
	assert.InDelta(t, mean[0], stat.Mean(logth, nil), 4*sd/math.Sqrt(n), "mean of log theta draws within 4 se")
	assert.InEpsilon(t, sd, stat.StdDev(logth, nil), 4/math.Sqrt(2*n), "sd of log theta draws within 4 se")
}

// TestAutoLowRankReachesFullRank: with rank 1 the low-rank-plus-diagonal
// covariance can represent this posterior (a 1x1 block and a 2x2 block),
// so the low-rank guide reaches the exact (full-rank) answer.
func TestAutoLowRankReachesFullRank(t *testing.T) {
	c := testmodel.NewConjugate()
	mean, cov, _ := c.Posterior()
	res, err := vi.Fit(context.Background(), c.Model(), autoguide.LowRank(1), elbo.Trace{Particles: 4, STL: true},
		testmodel.DecayingAdam(0.03, 4000), vi.MaxSteps(4000), vi.Seed(5), vi.Draws(1000))
	require.NoError(t, err)
	loc := testmodel.ParamData(t, res.Params, "auto.loc")
	for i := range mean {
		assert.InDelta(t, mean[i], loc[i], 1e-2*math.Sqrt(cov.At(i, i)), "posterior mean %d", i)
	}
	w := testmodel.ParamData(t, res.Params, "auto.cov_factor") // 1 x d*rank
	dg := testmodel.ParamData(t, res.Params, "auto.scale")
	got := mat.NewSymDense(3, nil)
	for i := 0; i < 3; i++ {
		for j := i; j < 3; j++ {
			v := w[i] * w[j]
			if i == j {
				v += testmodel.Softplus(dg[i]) * testmodel.Softplus(dg[i])
			}
			got.SetSym(i, j, v)
		}
	}
	checkCov(t, cov, got, 2e-2, 1e-2, "low-rank")
	assert.InDelta(t, c.LogEvidence(), res.ELBO, 1e-2, "ELBO reaches the log evidence")

	_, err = vi.Fit(context.Background(), c.Model(), autoguide.LowRank(0), elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rank 0")
}

// TestAutoNormalMeanFieldOptimum: for a Gaussian posterior N(m, Λ⁻¹) the
// mean-field normal that maximizes the ELBO has means m and variances
// 1/Λ_ii (not the marginal variances). The independent site (log theta) is
// fitted exactly; the correlated pair gets the mean-field answer.
func TestAutoNormalMeanFieldOptimum(t *testing.T) {
	c := testmodel.NewConjugate()
	mean, cov, prec := c.Posterior()
	const steps = 4000
	res, err := vi.Fit(context.Background(), c.Model(), autoguide.Normal(), elbo.Trace{Particles: 16},
		testmodel.DecayingAdam(0.03, steps), vi.MaxSteps(steps), vi.Seed(2), vi.Draws(4000))
	require.NoError(t, err)
	uloc := testmodel.ParamData(t, res.Params, "auto.theta.loc")
	usc := testmodel.Softplus(testmodel.ParamData(t, res.Params, "auto.theta.scale")[0])
	bloc := testmodel.ParamData(t, res.Params, "auto.beta.loc")
	braw := testmodel.ParamData(t, res.Params, "auto.beta.scale")
	// The fitted values carry the noise of the last steps of Adam on a
	// 16-particle gradient: over seeds 1-8 the errors of the means have an
	// rms of 0.015 sd (max 0.034) and those of the sds 0.006 relative (max
	// 0.014); the tolerances are about 5 times the rms.
	assert.InDelta(t, mean[0], uloc[0], 0.08*math.Sqrt(cov.At(0, 0)), "log theta mean")
	assert.InEpsilon(t, math.Sqrt(cov.At(0, 0)), usc, 0.03, "log theta sd (exact: independent site)")
	for i := 0; i < 2; i++ {
		mf := 1 / math.Sqrt(prec.At(1+i, 1+i))
		marginal := math.Sqrt(cov.At(1+i, 1+i))
		require.Greater(t, marginal/mf, 1.3, "the test separates the mean-field sd from the marginal sd")
		assert.InDelta(t, mean[1+i], bloc[i], 0.08*mf, "beta[%d] mean", i)
		assert.InEpsilon(t, mf, testmodel.Softplus(braw[i]), 0.03, "beta[%d] mean-field sd 1/sqrt(Λ_ii) = %v (marginal %v)", i, mf, marginal)
	}
	// The ELBO of the mean-field optimum q* = N(m, diag(1/Λ_ii)) is
	// log Z - KL(q* || p), KL = ½(Σ_i log Λ_ii - log det Λ).
	var lddet float64
	for i := 0; i < 3; i++ {
		lddet += math.Log(prec.At(i, i))
	}
	var ch mat.Cholesky
	require.True(t, ch.Factorize(prec))
	kl := 0.5 * (lddet - ch.LogDet())
	assert.InDelta(t, c.LogEvidence()-kl, res.ELBO, 4*res.ELBOStdErr+0.01, "ELBO = log Z - KL(q*||p) = %v", c.LogEvidence()-kl)
	assert.Len(t, res.Draws["beta"].Data, 2*4000)
}

// TestAutoDeltaIsMAP: the point-mass guide maximizes the model's density in
// constrained space. For theta (log-normal posterior LogNormal(m, s)) the
// mode is exp(m - s²), not exp(m); for beta it is the posterior mean.
func TestAutoDeltaIsMAP(t *testing.T) {
	c := testmodel.NewConjugate()
	mean, cov, _ := c.Posterior()
	res, err := vi.Fit(context.Background(), c.Model(), autoguide.Delta(), elbo.Trace{Particles: 3},
		testmodel.DecayingAdam(0.05, 3000), vi.MaxSteps(3000), vi.Seed(1), vi.Draws(5))
	require.NoError(t, err)
	u := testmodel.ParamData(t, res.Params, "auto.theta.value")
	assert.InDelta(t, mean[0]-cov.At(0, 0), u[0], 1e-4, "log theta at the constrained MAP: m - s²")
	b := testmodel.ParamData(t, res.Params, "auto.beta.value")
	assert.InDelta(t, mean[1], b[0], 1e-4, "beta[0] MAP")
	assert.InDelta(t, mean[2], b[1], 1e-4, "beta[1] MAP")
	// Every draw of a point mass is the point.
	for _, v := range res.Draws["theta"].Data {
		assert.Equal(t, math.Exp(u[0]), v)
	}
	assert.Equal(t, 0.0, res.ELBOStdErr, "a point mass has no Monte Carlo error")

	// Gamma-Poisson: rate ~ Gamma(a, b), n_i ~ Poisson(rate): the posterior
	// Gamma(a + Σn, b + N) has mode (a + Σn - 1)/(b + N).
	counts := []float64{3, 5, 4, 7, 2}
	gp := func(p *vi.Program) {
		r := p.Sample("rate", dist.Must(dist.NewGamma(2, 0.5)))
		p.Observe("n", dist.Poisson{Rate: r}, p.Const(1, len(counts), counts))
	}
	res, err = vi.Fit(context.Background(), gp, autoguide.Delta(autoguide.WithPrefix("map")), elbo.Trace{},
		testmodel.DecayingAdam(0.05, 3000), vi.MaxSteps(3000), vi.Seed(1), vi.Draws(1))
	require.NoError(t, err)
	r := math.Exp(testmodel.ParamData(t, res.Params, "map.rate.value")[0])
	assert.InDelta(t, (2+21-1)/(0.5+5), r, 1e-4, "Gamma-Poisson MAP")
}

// TestAutoLaplace: the mode is found by L-BFGS and the covariance is the
// inverse negative Hessian. On the Gaussian model that is the exact
// posterior; on Gamma-Poisson in u = log rate, the density
// rate^α e^{-β rate} has mode α/β and curvature α (α = a + Σn, β = b + N).
func TestAutoLaplace(t *testing.T) {
	c := testmodel.NewConjugate()
	mean, cov, _ := c.Posterior()
	g := autoguide.Laplace()
	const n = 20000
	res, err := vi.Fit(context.Background(), c.Model(), g, elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(0), vi.Seed(1), vi.Draws(n))
	require.NoError(t, err)
	moder, ok := g.(interface{ Mode() []float64 })
	require.True(t, ok, "the Laplace guide reports its mode")
	for i, m := range moder.Mode() {
		assert.InDelta(t, mean[i], m, 1e-5, "mode %d", i)
	}
	// Draws of N(mode, H⁻¹), in constrained space.
	th, be := res.Draws["theta"], res.Draws["beta"]
	cols := [][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	for i := 0; i < n; i++ {
		cols[0][i] = math.Log(th.Data[i])
		cols[1][i], cols[2][i] = be.Data[2*i], be.Data[2*i+1]
	}
	for i := range cols {
		sd := math.Sqrt(cov.At(i, i))
		assert.InDelta(t, mean[i], stat.Mean(cols[i], nil), 4*sd/math.Sqrt(n), "draw mean %d within 4 se", i)
		assert.InEpsilon(t, sd, stat.StdDev(cols[i], nil), 4/math.Sqrt(2*n), "draw sd %d within 4 se", i)
	}
	rho := cov.At(1, 2) / math.Sqrt(cov.At(1, 1)*cov.At(2, 2))
	assert.InDelta(t, rho, stat.Correlation(cols[1], cols[2], nil), 4*(1-rho*rho)/math.Sqrt(n), "beta correlation %v within 4 se", rho)
	assert.InDelta(t, c.LogEvidence(), res.ELBO, 1e-4, "the Laplace approximation is exact here: ELBO = log evidence")

	counts := []float64{3, 5, 4, 7, 2}
	gp := func(p *vi.Program) {
		r := p.Sample("rate", dist.Must(dist.NewGamma(2, 0.5)))
		p.Observe("n", dist.Poisson{Rate: r}, p.Const(1, len(counts), counts))
	}
	g = autoguide.Laplace()
	res, err = vi.Fit(context.Background(), gp, g, elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(0), vi.Seed(2), vi.Draws(n))
	require.NoError(t, err)
	alpha, beta := 2.0+21, 0.5+5
	assert.InDelta(t, math.Log(alpha/beta), g.(interface{ Mode() []float64 }).Mode()[0], 1e-5, "mode of log rate")
	lr := make([]float64, n)
	for i, v := range res.Draws["rate"].Data {
		lr[i] = math.Log(v)
	}
	assert.InEpsilon(t, 1/math.Sqrt(alpha), stat.StdDev(lr, nil), 4/math.Sqrt(2*n), "Laplace sd 1/sqrt(α) within 4 se")

	// Refining the Laplace approximation by full-rank VI in whitened
	// coordinates: it starts at the exact answer and stays there (up to
	// Adam's steps of about the step size 0.01 on the rounding-level
	// gradients, in whitened units of one posterior sd).
	g = autoguide.Laplace()
	res, err = vi.Fit(context.Background(), c.Model(), g, elbo.Trace{Particles: 4, STL: true}, optim.NewAdam(0.01), vi.MaxSteps(200), vi.Seed(1), vi.Draws(500))
	require.NoError(t, err)
	assert.InDelta(t, c.LogEvidence(), res.ELBO, 1e-3, "refined Laplace stays exact")
	for _, v := range testmodel.ParamData(t, res.Params, "auto.whitened_loc") {
		assert.InDelta(t, 0, v, 0.05, "whitened location stays 0 (in posterior sds)")
	}

	// No strict maximum: a flat density.
	flat := vi.LogDensity{Dim: 2, LogJoint: func(tp *ad.Tape, z ad.Var) ad.Var { return tp.Full(z.Rows(), 1, 0) }}
	_, err = vi.Fit(context.Background(), flat.Model(), autoguide.Laplace(), elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(0))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "autoguide: Laplace")
}

// mixtureTarget is the normalized density 0.3 N(-2, 0.5²) + 0.7 N(1.5, 0.8²).
var mixtureTarget = struct{ w, loc, sd [2]float64 }{[2]float64{0.3, 0.7}, [2]float64{-2, 1.5}, [2]float64{0.5, 0.8}}

func mixtureLogDensity() vi.LogDensity {
	mt := mixtureTarget
	return vi.LogDensity{Dim: 1, LogJoint: func(tp *ad.Tape, z ad.Var) ad.Var {
		var comps []ad.Var
		for c := 0; c < 2; c++ {
			lp := dist.Normal{Loc: ad.Scalar(mt.loc[c]), Scale: ad.Scalar(mt.sd[c])}.LogProb(z)
			comps = append(comps, ad.Shift(lp, math.Log(mt.w[c])))
		}
		return ad.LogSumExpCols(ad.ConcatCols(comps...))
	}}
}

// TestAutoMixtureMatchesMixtureTarget: a two-component mixture guide fitted
// to a normalized two-component normal mixture recovers its weights,
// locations and scales; at the exact answer log p - log q = 0 at every draw.
func TestAutoMixtureMatchesMixtureTarget(t *testing.T) {
	mt := mixtureTarget
	res, err := vi.Fit(context.Background(), mixtureLogDensity().Model(), autoguide.Mixture(2, autoguide.WithInitScale(1)),
		elbo.Trace{Particles: 8, STL: true}, testmodel.DecayingAdam(0.05, 3000), vi.MaxSteps(3000), vi.Seed(1), vi.Draws(4000))
	require.NoError(t, err)
	locs := testmodel.ParamData(t, res.Params, "auto.locs")
	raw := testmodel.ParamData(t, res.Params, "auto.scales")
	logits := testmodel.ParamData(t, res.Params, "auto.logits")
	w0 := 1 / (1 + math.Exp(logits[1]-logits[0]))
	type comp struct{ w, loc, sd float64 }
	got := []comp{{w0, locs[0], testmodel.Softplus(raw[0])}, {1 - w0, locs[1], testmodel.Softplus(raw[1])}}
	sort.Slice(got, func(i, j int) bool { return got[i].loc < got[j].loc })
	for c := 0; c < 2; c++ {
		assert.InDelta(t, mt.w[c], got[c].w, 5e-3, "weight %d", c)
		assert.InDelta(t, mt.loc[c], got[c].loc, 5e-3, "location %d", c)
		assert.InEpsilon(t, mt.sd[c], got[c].sd, 5e-3, "scale %d", c)
	}
	assert.InDelta(t, 0, res.ELBO, 1e-3, "ELBO = log Z = 0 for a normalized target")
	// Draws choose components ancestrally: the share below the saddle
	// between the modes is the weight of the left component (binomial se).
	var left float64
	z := res.Draws["z"].Data
	for _, v := range z {
		if v < -0.5 {
			left++
		}
	}
	n := float64(len(z))
	assert.InDelta(t, mt.w[0], left/n, 4*math.Sqrt(0.3*0.7/n)+1e-3, "left-mode share of the draws")

	// Stratified particles need a multiple of k.
	_, err = vi.Fit(context.Background(), mixtureLogDensity().Model(), autoguide.Mixture(3), elbo.Trace{Particles: 4}, optim.NewAdam(0.01), vi.MaxSteps(2))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multiple of 3")
	_, err = vi.Fit(context.Background(), mixtureLogDensity().Model(), autoguide.Mixture(0), elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(2))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "0 components")
}

// TestAutoGuideOptions: WithPrefix names the parameters, WithInit with
// InitToValues sets the starting point (constrained values mapped through
// the bijector), WithInitScale the starting scale; InitToMAP starts at the
// mode; InitToMedian at the prior median.
func TestAutoGuideOptions(t *testing.T) {
	c := testmodel.NewConjugate()
	mean, _, _ := c.Posterior()
	init := autoguide.InitToValues(map[string][]float64{"theta": {2.5}, "beta": {0.1, -0.2}}, nil)
	res, err := vi.Fit(context.Background(), c.Model(), autoguide.Normal(autoguide.WithPrefix("q"), autoguide.WithInit(init), autoguide.WithInitScale(0.3)),
		elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(0), vi.Draws(0))
	require.NoError(t, err)
	assert.InDelta(t, math.Log(2.5), testmodel.ParamData(t, res.Params, "q.theta.loc")[0], 1e-15, "unconstrained start is log of the value")
	assert.Equal(t, []float64{0.1, -0.2}, testmodel.ParamData(t, res.Params, "q.beta.loc"))
	for _, r := range testmodel.ParamData(t, res.Params, "q.beta.scale") {
		assert.InDelta(t, 0.3, testmodel.Softplus(r), 1e-12, "initial scale")
	}
	_, ok := res.Params.Value("auto.theta.loc")
	assert.False(t, ok, "the prefix replaces auto")

	// Fallback: only theta given, beta from the prior median (0 for a
	// centred normal, up to the median of 15 draws).
	res, err = vi.Fit(context.Background(), c.Model(), autoguide.Delta(autoguide.WithInit(autoguide.InitToValues(map[string][]float64{"theta": {1}}, autoguide.InitToMedian(401)))),
		elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(0), vi.Draws(0))
	require.NoError(t, err)
	assert.Equal(t, 0.0, testmodel.ParamData(t, res.Params, "auto.theta.value")[0])
	for _, v := range testmodel.ParamData(t, res.Params, "auto.beta.value") {
		// The sample median of 401 N(0, 2²) draws has sd ≈ 2·1.2533/√401.
		assert.InDelta(t, 0, v, 4*2*1.2533/math.Sqrt(401), "prior median within 4 se")
	}

	res, err = vi.Fit(context.Background(), c.Model(), autoguide.MultivariateNormal(autoguide.WithInit(autoguide.InitToMAP())),
		elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(0), vi.Draws(0))
	require.NoError(t, err)
	loc := testmodel.ParamData(t, res.Params, "auto.loc")
	for i := range mean {
		assert.InDelta(t, mean[i], loc[i], 1e-5, "InitToMAP starts at the unconstrained mode %d", i)
	}

	// Bad initial values: wrong length, outside the support.
	for _, tc := range []struct {
		vals map[string][]float64
		msg  string
	}{
		{map[string][]float64{"beta": {1}}, `initial value of "beta" has 1 elements, the site has 2`},
		{map[string][]float64{"theta": {-1}}, `initial value of "theta"`},
	} {
		_, err = vi.Fit(context.Background(), c.Model(), autoguide.Normal(autoguide.WithInit(autoguide.InitToValues(tc.vals, nil))), elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(0))
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.msg)
	}
}

// TestAutoGuideErrors: discrete latents, models without latents and guides
// run before Setup give errors naming the problem.
func TestAutoGuideErrors(t *testing.T) {
	discrete := func(p *vi.Program) {
		p.Sample("k", dist.Must(dist.NewPoisson(3)))
	}
	none := func(p *vi.Program) {
		p.Observe("y", dist.Must(dist.NewNormal(0, 1)), ad.Scalar(0.5))
	}
	guides := map[string]func() vi.Guide{
		"Normal":             func() vi.Guide { return autoguide.Normal() },
		"Delta":              func() vi.Guide { return autoguide.Delta() },
		"MultivariateNormal": func() vi.Guide { return autoguide.MultivariateNormal() },
		"LowRank":            func() vi.Guide { return autoguide.LowRank(2) },
		"Mixture":            func() vi.Guide { return autoguide.Mixture(2) },
		"Laplace":            func() vi.Guide { return autoguide.Laplace() },
	}
	for name, mk := range guides {
		_, err := vi.Fit(context.Background(), discrete, mk(), elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(1))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), `latent site "k" has discrete support`, name)
		_, err = vi.Fit(context.Background(), none, mk(), elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(1))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "no latent sites", name)
		env := vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1)
		_, err = env.RunGuide(mk(), 1)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "autoguide: "+name+" used before Setup")
	}
}
