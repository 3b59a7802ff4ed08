package estimators

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/dist"
)

// gpdDraws returns n sorted draws of a generalized Pareto distribution by
// inversion, x = sigma((1-u)^(-k) - 1)/k, written out here independently
// of gpdQuantile.
func gpdDraws(seed uint64, n int, k, sigma float64) []float64 {
	rng := newRNG(seed)
	x := make([]float64, n)
	for i := range x {
		u := rng.Float64()
		if k == 0 {
			x[i] = -sigma * math.Log(1-u)
		} else {
			x[i] = sigma * (math.Pow(1-u, -k) - 1) / k
		}
	}
	slices.Sort(x)
	return x
}

// The Zhang-Stephens fit recovers the shape of synthetic generalized-Pareto
// data within 4 asymptotic standard deviations (1+k)/√n of the maximum
// likelihood estimator (Smith 1985), plus the prior's pull 10(0.5-k)/(n+10),
// for bounded (k < 0), finite-variance and infinite-variance tails; the
// scale within 4 standard deviations σ√(2(1+k)/n).
func TestGPDFitRecoversShape(t *testing.T) {
	const n = 5000
	for i, k := range []float64{-0.3, 0, 0.2, 0.5, 0.9} {
		const sigma = 1.5
		x := gpdDraws(uint64(100+i), n, k, sigma)
		kh, sh := gpdFit(x)
		tol := 4*(1+k)/math.Sqrt(n) + math.Abs(10*(0.5-k)/(n+10))
		assert.InDelta(t, k, kh, tol, "k = %v: k-hat %v", k, kh)
		assert.InDelta(t, sigma, sh, 4*sigma*math.Sqrt(2*(1+k)/n), "k = %v: sigma-hat %v", k, sh)
	}
	// The quantile function inverts the CDF 1 - (1 + kx/σ)^(-1/k).
	for _, k := range []float64{-0.4, 0, 1e-17, 0.3, 1.2} {
		for _, p := range []float64{1e-9, 0.1, 0.5, 0.99} {
			x := gpdQuantile(p, k, 2)
			var cdf float64
			if math.Abs(k) < 1e-15 {
				cdf = -math.Expm1(-x / 2)
			} else {
				cdf = 1 - math.Pow(1+k*x/2, -1/k)
			}
			assert.InEpsilon(t, p, cdf, 1e-6, "k = %v, p = %v", k, p)
		}
	}
	// No spread: the fit reports failure.
	kh, _ := gpdFit([]float64{1, 1, 1, 1, 1, 2})
	assert.True(t, math.IsNaN(kh))
}

// psisKhats returns k-hat for importance sampling of target from proposal
// with n draws, for seeds 0..reps-1.
func psisKhats(t *testing.T, target, proposal dist.Distribution, n, reps int) []float64 {
	t.Helper()
	var ks []float64
	for seed := range reps {
		_, logw := ImportanceSample(newRNG(uint64(seed)), target, proposal, n)
		_, k, err := PSIS(logw)
		require.NoError(t, err)
		ks = append(ks, k)
	}
	return ks
}

// k-hat flags a badly mismatched heavy-tailed target (a Cauchy centred at
// 2) under a narrow light-tailed proposal N(0, 0.5²): its weights grow like
// exp(2x²) and have no finite variance. Over 10 seeds the mean k-hat is
// above 0.7 and so are at least 8 of them. Good proposals, wider and
// heavier-tailed than the target (bounded weights, k < 0), give k-hat < 0.5
// for every seed.
func TestPSISKhatDiagnoses(t *testing.T) {
	const n = 4000
	bad := psisKhats(t, estStudentT{df: 1, loc: 2, scale: 1}, normal1(0, 0.5), n, 10)
	m, _ := meanVar(bad)
	assert.Greater(t, m, 0.7, "mean k-hat for Cauchy(2, 1) from N(0, 0.5²): %v", bad)
	var above int
	for _, k := range bad {
		if k > 0.7 {
			above++
		}
	}
	assert.GreaterOrEqual(t, above, 8, "k-hats %v", bad)

	for _, c := range []struct {
		name             string
		target, proposal dist.Distribution
	}{
		{"N(0,1) from N(0,1.5²)", normal1(0, 1), normal1(0, 1.5)},
		{"t3 from t2(scale 1.5)", estStudentT{df: 3, scale: 1}, estStudentT{df: 2, scale: 1.5}},
		{"Cauchy from Cauchy(scale 2)", estStudentT{df: 1, scale: 1}, estStudentT{df: 1, scale: 2}},
	} {
		for i, k := range psisKhats(t, c.target, c.proposal, n, 10) {
			assert.Less(t, k, 0.5, "%s, seed %d", c.name, i)
		}
	}
}

// For a N(0, 1) target and a N(0, s²) proposal with s < 1 the weights
// exp(x²(1/s² - 1)/2) have a Pareto tail with k = 1 - s² exactly (P(w > t)
// = P(x² > log t / c) ∝ t^(-1/(1-s²))). The mean k-hat over 20 seeds is
// within 0.1 of it (4 standard errors of the mean, about 0.11/√20 each).
func TestPSISKhatMatchesTheory(t *testing.T) {
	for _, s := range []float64{0.7, 0.8} {
		ks := psisKhats(t, normal1(0, 1), normal1(0, s), 4000, 20)
		m, v := meanVar(ks)
		assert.InDelta(t, 1-s*s, m, 4*math.Sqrt(v/20), "s = %v: k-hats %v", s, ks)
	}
}

// Pareto smoothing reduces the variance of an importance-sampling
// estimate with heavy-tailed weights: E[x²] = 1 under N(0, 1) from
// N(0, 0.6²) (k = 0.64, weights of infinite variance), SNIS with raw and
// with smoothed weights over 200 seeds of 1000 draws. The smoothed
// estimates' variance is less than half the raw ones' (measured: about a
// fifth), and their mean squared error is smaller too.
func TestPSISReducesVariance(t *testing.T) {
	const reps, n = 200, 1000
	var raw, sm []float64
	rng := newRNG(1000)
	for range reps {
		x, logw := ImportanceSample(rng, normal1(0, 1), normal1(0, 0.6), n)
		f := make([]float64, n)
		for i, v := range x.Value() {
			f[i] = v * v
		}
		slw, _, err := PSIS(logw)
		require.NoError(t, err)
		raw = append(raw, SNIS(logw, f).Value)
		sm = append(sm, SNIS(slw, f).Value)
	}
	mr, vr := meanVar(raw)
	ms, vs := meanVar(sm)
	assert.Less(t, vs, 0.5*vr, "variance with PSIS %v, raw %v", vs, vr)
	assert.Less(t, vs+(ms-1)*(ms-1), vr+(mr-1)*(mr-1), "MSE with PSIS against raw")
}

// Structure of the smoothed weights: the body is unchanged, the tail keeps
// its order and does not exceed the largest raw weight, a constant shift
// of the log weights shifts the result and leaves k-hat unchanged.
func TestPSISStructure(t *testing.T) {
	_, logw := ImportanceSample(newRNG(3), normal1(0, 1), normal1(0, 0.6), 2000)
	sm, k, err := PSIS(logw)
	require.NoError(t, err)
	n := len(logw)
	m := int(math.Ceil(math.Min(0.2*float64(n), 3*math.Sqrt(float64(n)))))
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpF(logw[a], logw[b]) })
	maxRaw := logw[order[n-1]]
	var changed int
	for r, i := range order {
		if r < n-m {
			assert.Equal(t, logw[i], sm[i], "body weight %d unchanged", i)
			continue
		}
		if sm[i] != logw[i] {
			changed++
		}
		assert.LessOrEqual(t, sm[i], maxRaw)
		assert.Greater(t, sm[i], logw[order[n-m-1]], "smoothed tail stays above the cutoff")
		if r > n-m {
			assert.GreaterOrEqual(t, sm[i], sm[order[r-1]], "tail order kept")
		}
	}
	assert.Greater(t, changed, m/2, "the tail was smoothed")
	// Shift invariance.
	shifted := make([]float64, n)
	for i, v := range logw {
		shifted[i] = v - 500
	}
	sm2, k2, err := PSIS(shifted)
	require.NoError(t, err)
	assert.InDelta(t, k, k2, 1e-9)
	for i := range sm {
		assert.InDelta(t, sm[i]-500, sm2[i], 1e-9)
	}
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestPSISEdgeCases(t *testing.T) {
	_, _, err := PSIS(make([]float64, 20))
	assert.ErrorIs(t, err, ErrTooFewDraws)
	// Constant weights: no tail, returned unchanged, k-hat -Inf.
	c := []float64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}
	sm, k, err := PSIS(c)
	require.NoError(t, err)
	assert.Equal(t, c, sm)
	assert.True(t, math.IsInf(k, -1))
	// NaN and +Inf are errors.
	bad := slices.Clone(c)
	bad[3] = math.NaN()
	_, _, err = PSIS(bad)
	assert.Error(t, err)
	bad[3] = math.Inf(1)
	_, _, err = PSIS(bad)
	assert.Error(t, err)
	// Zero weights below the tail are allowed; in the tail they are not.
	_, logw := ImportanceSample(newRNG(4), normal1(0, 1), normal1(0, 0.8), 100)
	logw[0], logw[1] = math.Inf(-1), math.Inf(-1)
	sm, _, err = PSIS(logw)
	require.NoError(t, err)
	assert.True(t, math.IsInf(sm[0], -1))
	most := make([]float64, 100)
	for i := range most {
		most[i] = math.Inf(-1)
	}
	most[0], most[1] = 1, 2
	_, _, err = PSIS(most)
	assert.ErrorContains(t, err, "nonzero")
	assert.InDelta(t, 1-1/3.0, KhatThreshold(1000), 1e-15)
	assert.Equal(t, 0.7, KhatThreshold(1000000))
}

// TestPSISExactFit: the log weights of an exact fit are constant up to
// rounding. With q(z) = p(z | x) for z ~ N(0, 1), x | z ~ N(z, 1), every
// log p(x, z) - log q(z) is log N(x; 0, √2) in exact arithmetic; computed
// term by term it carries rounding noise of about 1e-16. k-hat is -Inf
// there as for exactly equal weights (the tail is degenerate within √ε;
// before, the noise made the fit fail with +Inf), the weights are returned
// unchanged, and a tail spread just above √ε, or a genuine light tail,
// still gets a finite fitted k-hat.
func TestPSISExactFit(t *testing.T) {
	const x = 0.9
	lnorm := func(v, m, s float64) float64 { return -0.5*(v-m)*(v-m)/(s*s) - math.Log(s) - 0.5*math.Log(2*math.Pi) }
	rng := newRNG(21)
	lw := make([]float64, 1000)
	for i := range lw {
		z := x/2 + math.Sqrt(0.5)*rng.NormFloat64()
		lw[i] = lnorm(z, 0, 1) + lnorm(x, z, 1) - lnorm(z, x/2, math.Sqrt(0.5))
	}
	want := lnorm(x, 0, math.Sqrt2)
	lo, hi := slices.Min(lw), slices.Max(lw)
	require.NotEqual(t, lo, hi, "the setup must carry rounding noise")
	require.InDelta(t, want, lo, 1e-13, "log weights are log p(x) up to rounding")
	require.InDelta(t, want, hi, 1e-13, "log weights are log p(x) up to rounding")
	sm, k, err := PSIS(lw)
	require.NoError(t, err)
	assert.True(t, math.IsInf(k, -1), "exact fit: k-hat = -Inf, got %v", k)
	assert.Equal(t, lw, sm, "a degenerate tail is not smoothed")

	// Log weights uniform over 1e-6: the 95 largest span about 1e-7 > √ε,
	// a light (bounded) tail that is fitted.
	spread := make([]float64, 1000)
	for i := range spread {
		spread[i] = want + 1e-6*rng.Float64()
	}
	_, k, err = PSIS(spread)
	require.NoError(t, err)
	assert.False(t, math.IsInf(k, 0), "k-hat of a 1e-7 tail spread is fitted, got %v", k)
	assert.Less(t, k, 0.0, "uniform weights: GPD shape -1, pulled towards 0.5 by (95k + 5)/105 ≈ -0.86")
}
