package estimators

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// closedKL returns dist.KL(p, q) as a slice, one value per batch row.
func closedKL(t *testing.T, p, q dist.Distribution) []float64 {
	t.Helper()
	kl, err := dist.KL(p, q)
	require.NoError(t, err)
	return kl.Value()
}

// The unbiased estimators agree with every closed form registered for
// pairs that exist here (Normal-Normal): scalars, several columns, batches
// and a batch-1 p against a batch of q, within 4 standard errors. (k3's
// standard error is trustworthy when r = q/p has a finite fourth moment
// under p, which for normals needs 4/σq² > 3/σp² per component; the cases
// keep to that.)
func TestKLAgreesWithClosedForm(t *testing.T) {
	cases := []struct {
		name string
		p, q dist.Normal
	}{
		{"scalar", normal1(0, 1), normal1(0.7, 1.3)},
		{"scalar narrow q", normal1(0.2, 1), normal1(-0.3, 0.8)},
		{"columns", normal(t, 1, 3, []float64{0, 1, -1}, []float64{1, 0.9, 1.1}), normal(t, 1, 3, []float64{0.5, 1, -0.2}, []float64{1.2, 1, 0.95})},
		{"batch", normal(t, 3, 2, []float64{0, 1, -1, 2, 0.3, 0}, []float64{1, 0.9, 1.1, 1, 0.8, 1.05}), normal(t, 3, 2, []float64{0.4, 1, -0.5, 2.5, 0.1, 0.3}, []float64{1.1, 1, 0.9, 1.2, 0.85, 1})},
		{"p batch 1, q batch 3", normal(t, 1, 1, []float64{0}, []float64{1}), normal(t, 3, 1, []float64{0.3, -0.6, 1}, []float64{1.1, 0.9, 1.05})},
		{"p batch 3, q batch 1", normal(t, 3, 1, []float64{0.3, -0.6, 1}, []float64{1.1, 0.9, 1.05}), normal(t, 1, 1, []float64{0}, []float64{1})},
		// Event widths broadcast as in dist.KL: a width-1 side applies to
		// every component of the other.
		{"p 2x3, q scalar", normal(t, 2, 3, []float64{0, 1, -1, 2, 0.3, 0}, []float64{1, 0.9, 1.1, 1, 0.8, 1.05}), normal1(0.2, 1.1)},
		{"p scalar, q 1x3", normal1(0.2, 1.1), normal(t, 1, 3, []float64{0, 1, -0.5}, []float64{1, 0.9, 1.2})},
		{"p 2x1, q 2x3", normal(t, 2, 1, []float64{0.2, -0.4}, []float64{1.1, 0.9}), normal(t, 2, 3, []float64{0, 1, -1, 0.5, 0.3, 0}, []float64{1, 0.9, 1.1, 1, 0.8, 1.05})},
		{"p 2x1, q 1x3", normal(t, 2, 1, []float64{0.2, -0.4}, []float64{1.1, 1}), normal(t, 1, 3, []float64{0, 1, -1}, []float64{1, 0.9, 1.1})},
	}
	const n = 40000
	for _, c := range cases {
		want := closedKL(t, c.p, c.q)
		for _, est := range []KLEstimator{K1, K3} {
			got, err := KL(newRNG(11), c.p, c.q, n, est)
			require.NoError(t, err)
			require.Len(t, got, len(want), "%s: one estimate per batch row", c.name)
			for i, e := range got {
				assert.Equal(t, n, e.N)
				assert.Equal(t, MethodMonteCarlo, e.Method)
				assert.Greater(t, e.StdErr, 0.0)
				assert.Less(t, e.StdErr, 0.05*want[i]+1e-3, "%s %v row %d: standard error is small", c.name, est, i)
				assert.InDelta(t, want[i], e.Value, 4*e.StdErr, "%s %v row %d: KL %v, estimate %v ± %v", c.name, est, i, want[i], e.Value, e.StdErr)
			}
		}
	}
}

// k3's standard error is much smaller than k1's for close distributions
// (O(KL) against O(√KL)), and its terms are never negative.
func TestK3LowVarianceNearP(t *testing.T) {
	p, q := normal1(0, 1), normal1(0.05, 1.02)
	want := closedKL(t, p, q)[0]
	k1, err := KL(newRNG(3), p, q, 20000, K1)
	require.NoError(t, err)
	k3, err := KL(newRNG(3), p, q, 20000, K3)
	require.NoError(t, err)
	assert.InDelta(t, want, k1[0].Value, 4*k1[0].StdErr)
	assert.InDelta(t, want, k3[0].Value, 4*k3[0].StdErr)
	assert.Less(t, k3[0].StdErr, k1[0].StdErr/5, "k3 standard error %v against k1 %v", k3[0].StdErr, k1[0].StdErr)
	for _, lr := range []float64{-3, -1e-9, 0, 1e-9, 2} {
		v, _ := K3.term(0, lr)
		assert.GreaterOrEqual(t, v, 0.0, "k3 term at log r = %v", lr)
	}
	// Near r = 1 the term keeps full relative accuracy: (log r)²/2 + (log r)³/6.
	v, _ := K3.term(0, 1e-6)
	assert.InEpsilon(t, 0.5e-12+1e-18/6, v, 1e-12)
}

// k2 is biased, by an amount known in closed form for normals:
// log r = log q - log p is quadratic in x, so E_p[(log r)²]/2 follows from
// the normal moments. For q = N(μ, 1) against p = N(0, 1) the bias is
// μ⁴/8 > 0; for q = N(0, σ²) it is negative when σ = 2.
func TestK2BiasIsTheKnownOne(t *testing.T) {
	const n = 200000
	// Location: log r = μx - μ²/2 ~ N(-μ²/2, μ²): E[k2] = (μ² + μ⁴/4)/2.
	mu := 1.0
	p, q := normal1(0, 1), normal1(mu, 1)
	kl := closedKL(t, p, q)[0]
	e2 := (mu*mu + mu*mu*mu*mu/4) / 2
	got, err := KL(newRNG(5), p, q, n, K2)
	require.NoError(t, err)
	assert.InDelta(t, e2, got[0].Value, 4*got[0].StdErr, "E[k2] for a location shift")
	assert.Greater(t, got[0].Value-kl, 4*got[0].StdErr, "k2 overestimates KL by μ⁴/8 = %v", mu*mu*mu*mu/8)
	assert.InDelta(t, mu*mu*mu*mu/8, got[0].Value-kl, 4*got[0].StdErr)

	// Scale: log r = -L + a x² with L = log σ, a = (1 - 1/σ²)/2:
	// E[(log r)²] = L² - 2La + 3a², KL = L - a.
	sigma := 2.0
	p, q = normal1(0, 1), normal1(0, sigma)
	kl = closedKL(t, p, q)[0]
	l, a := math.Log(sigma), (1-1/(sigma*sigma))/2
	assert.InDelta(t, l-a, kl, 1e-15, "closed form agrees with the moment formula")
	e2 = (l*l - 2*l*a + 3*a*a) / 2
	got, err = KL(newRNG(6), p, q, n, K2)
	require.NoError(t, err)
	assert.InDelta(t, e2, got[0].Value, 4*got[0].StdErr, "E[k2] for a scale change")
	assert.Less(t, got[0].Value-kl, -4*got[0].StdErr, "k2 underestimates KL here: bias %v", e2-kl)
}

// The standard errors are calibrated: over 200 seeds the fraction of runs
// with |estimate - truth| < 1.96 se is 0.95 within 4 binomial standard
// deviations (√(0.95·0.05/200) = 0.0154, so [0.888, 1]); the fraction within
// 1 se is 0.683 ± 4·0.033; and the mean of z² = ((est - truth)/se)² is 1
// within 4 of its standard errors (√(2/200) = 0.1), which fails when the
// standard errors are too large as well as too small.
func TestKLStandardErrorsCalibrated(t *testing.T) {
	cases := []struct {
		name string
		p, q dist.Normal
		est  KLEstimator
	}{
		{"k1", normal1(0, 1), normal1(0.5, 1.1), K1},
		{"k3", normal1(0, 1), normal1(0.5, 1.1), K3},
		{"k3 narrow q", normal1(0, 1), normal1(0.3, 0.8), K3},
		{"k1 batch row", normal(t, 2, 1, []float64{0, 1}, []float64{1, 1}), normal1(0.4, 0.9), K1},
	}
	const reps, n = 200, 500
	for _, c := range cases {
		truth := closedKL(t, c.p, c.q)
		var in196, in1 int
		var z2 float64
		rng := newRNG(99)
		for range reps {
			got, err := KL(rng, c.p, c.q, n, c.est)
			require.NoError(t, err)
			e := got[len(got)-1]
			z := (e.Value - truth[len(truth)-1]) / e.StdErr
			if math.Abs(z) < 1.96 {
				in196++
			}
			if math.Abs(z) < 1 {
				in1++
			}
			z2 += z * z
		}
		f196, f1, mz2 := float64(in196)/reps, float64(in1)/reps, z2/reps
		assert.InDelta(t, 0.95, f196, 4*math.Sqrt(0.95*0.05/reps), "%s: coverage of ±1.96 se", c.name)
		assert.InDelta(t, 0.6827, f1, 4*math.Sqrt(0.6827*0.3173/reps), "%s: coverage of ±1 se", c.name)
		assert.InDelta(t, 1, mz2, 4*math.Sqrt(2.0/reps), "%s: mean z²", c.name)
	}
}

// Pairs without a closed form: Normal against a Student-t and the reverse,
// against numerical integration (gonum quad). k3 is used only where r = q/p
// has a finite variance under p (q lighter-tailed than p); against a
// heavier-tailed q its terms have infinite variance.
func TestKLNoClosedFormAgainstQuadrature(t *testing.T) {
	cases := []struct {
		name string
		p, q dist.Distribution
		ests []KLEstimator
	}{
		{"Normal || StudentT(3)", normal1(0, 1), estStudentT{df: 3, loc: 0.5, scale: 1}, []KLEstimator{K1}},
		{"StudentT(5) || Normal", estStudentT{df: 5, loc: 0, scale: 1}, normal1(0.2, 1.4), []KLEstimator{K1, K3}},
		{"Normal || Cauchy", normal1(0, 1), estStudentT{df: 1, loc: 0, scale: 1}, []KLEstimator{K1}},
	}
	for _, c := range cases {
		want := quadKL(c.p, c.q, -200, 200)
		for _, est := range c.ests {
			got, err := KL(newRNG(21), c.p, c.q, 100000, est)
			require.NoError(t, err)
			assert.InDelta(t, want, got[0].Value, 4*got[0].StdErr, "%s %v: quadrature %v, estimate %v ± %v", c.name, est, want, got[0].Value, got[0].StdErr)
		}
	}
}

// A support mismatch gives +Inf with standard error 0, never NaN; the
// reverse direction is finite and k1 agrees with the closed form
// KL(U(-1, 1) || N(0, 1)) = -log 2 + log √(2π) + E[x²]/2 with E[x²] = 1/3.
func TestKLSupportMismatch(t *testing.T) {
	p, q := normal1(0, 1), estUniform{-1, 1}
	for _, est := range []KLEstimator{K1, K2, K3} {
		got, err := KL(newRNG(1), p, q, 1000, est)
		require.NoError(t, err)
		assert.True(t, math.IsInf(got[0].Value, 1), "%v: KL(Normal || Uniform) = %v", est, got[0].Value)
		assert.Equal(t, 0.0, got[0].StdErr)
		assert.Equal(t, 1000, got[0].N)
	}
	want := -math.Ln2 + 0.5*math.Log(2*math.Pi) + 1.0/6
	got, err := KL(newRNG(2), q, p, 50000, K1)
	require.NoError(t, err)
	assert.InDelta(t, want, got[0].Value, 4*got[0].StdErr, "k1: KL(Uniform || Normal)")
	// k3 is biased here: E_p[r] = Q([-1, 1]) = erf(1/√2) < 1, so
	// E[k3] = KL - (1 - erf(1/√2)), as its documentation says.
	got, err = KL(newRNG(2), q, p, 50000, K3)
	require.NoError(t, err)
	biased := want - math.Erfc(1/math.Sqrt2)
	assert.InDelta(t, biased, got[0].Value, 4*got[0].StdErr, "k3: KL(Uniform || Normal) minus N(0,1)'s mass outside [-1, 1]")
	// Terms: q = 0 where p > 0 is a mismatch; p = 0 contributes 0; NaN
	// and poles of both are errors.
	v, mis := K1.term(-1, math.Inf(-1))
	assert.True(t, mis)
	assert.True(t, math.IsInf(v, 1))
	v, mis = K3.term(math.Inf(-1), math.Inf(-1))
	assert.False(t, mis)
	assert.Equal(t, 0.0, v)
	v, _ = K3.term(math.Inf(1), math.Inf(1))
	assert.True(t, math.IsNaN(v))
}

// Infinite terms that are not a mismatch, and undefined ones, are reported
// as such: ±Inf with StdErr +Inf, or an error.
func TestKLAccumulatorSpecialTerms(t *testing.T) {
	var a acc
	a.addRow([]float64{1, math.Inf(1), 2}, nil, 0, 1)
	e, err := a.estimate()
	require.NoError(t, err)
	assert.True(t, math.IsInf(e.Value, 1))
	assert.True(t, math.IsInf(e.StdErr, 1))
	assert.Equal(t, 3, e.N)

	var b acc
	b.addRow([]float64{1, math.NaN()}, nil, 0, 1)
	_, err = b.estimate()
	assert.ErrorIs(t, err, errNaN)

	var c acc
	c.addRow([]float64{math.Inf(-1), math.Inf(1)}, nil, 0, 1)
	_, err = c.estimate()
	assert.Error(t, err)

	// Merging blocks equals one pass over all terms.
	xs := []float64{0.3, -1.2, 2.5, 0.7, 1.1, -0.4, 3.3}
	var whole, parts acc
	whole.addRow(xs, nil, 0, 1)
	parts.addRow(xs[:3], nil, 0, 1)
	parts.addRow(xs[3:], nil, 0, 1)
	m, v := meanVar(xs)
	assert.InDelta(t, m, parts.mean, 1e-15)
	assert.InDelta(t, v*float64(len(xs)-1), parts.m2, 1e-13)
	assert.InDelta(t, whole.m2, parts.m2, 1e-13)
}

// A draw with NaN log-density is an error, not a NaN estimate.
func TestKLNaNLogDensityIsError(t *testing.T) {
	q := estNaN{}
	_, err := KL(newRNG(1), normal1(0, 1), q, 100, K1)
	assert.ErrorIs(t, err, errNaN)
}

type estNaN struct{ estUniform }

func (estNaN) Validate() error { return nil }
func (estNaN) LogProb(x ad.Var) ad.Var {
	return colLogProb(x, func(float64) float64 { return math.NaN() })
}

func TestKLErrors(t *testing.T) {
	p := normal1(0, 1)
	_, err := KL(newRNG(1), p, p, 1, K1)
	assert.ErrorContains(t, err, "n = 1")
	_, err = KL(newRNG(1), p, p, 10, KLEstimator(7))
	assert.ErrorContains(t, err, "unknown estimator")
	_, err = KL(newRNG(1), normal(t, 1, 3, []float64{0, 0, 0}, []float64{1, 1, 1}), normal(t, 1, 2, []float64{0, 0}, []float64{1, 1}), 10, K1)
	assert.ErrorContains(t, err, "event widths")
	_, err = KL(newRNG(1), normal(t, 2, 1, []float64{0, 0}, []float64{1, 1}), normal(t, 3, 1, []float64{0, 0, 0}, []float64{1, 1, 1}), 10, K1)
	assert.ErrorContains(t, err, "do not broadcast")
	bad := dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(-1)}
	_, err = KL(newRNG(1), p, bad, 10, K1)
	var pe *dist.ParamError
	assert.ErrorAs(t, err, &pe)
	assert.Equal(t, "k3", K3.String())
}

// Parameters recorded on a tape: the blocks run on the calling goroutine
// (a tape is not safe for concurrent use) and the estimate is the same as
// with free constants.
func TestKLWithTapeParameters(t *testing.T) {
	tape := ad.NewTape()
	loc := ad.NewParam("loc", 1, 1, []float64{0.3})
	p := dist.Normal{Loc: tape.Param(loc), Scale: ad.Scalar(1.2)}
	q := normal1(-0.2, 0.9)
	got, err := KL(newRNG(8), p, q, 3*BlockSize, K3)
	require.NoError(t, err)
	assert.Greater(t, tape.Len(), 3, "log-densities were recorded on the tape")
	want, err := KL(newRNG(8), normal1(0.3, 1.2), q, 3*BlockSize, K3)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}
