package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// Test helpers shared by the family tests. Every helper compares against
// an independent computation: numerical integration (gonum quad), Monte
// Carlo with a stated number of standard errors, or finite differences
// (ad.CheckGrad, built on gonum diff/fd).

// logProbAt evaluates a 1x1-shaped univariate distribution's log-density
// at the scalar x.
func logProbAt(d Distribution, x float64) float64 {
	return d.LogProb(ad.Scalar(x)).Scalar()
}

// checkNormalized asserts that exp(LogProb) integrates to 1 over
// [lo, hi] within tol.
func checkNormalized(t *testing.T, d Distribution, lo, hi, tol float64, breaks ...float64) {
	t.Helper()
	z := integrate(func(x float64) float64 { return math.Exp(logProbAt(d, x)) }, lo, hi, breaks...)
	assert.InDelta(t, 1, z, tol, "%T integrates to 1", d)
}

// checkLogProbGrad checks the gradient of Σ LogProb with respect to the
// value and every parameter by finite differences. build makes the
// distribution from differentiable parameters.
func checkLogProbGrad(t *testing.T, build func(ps []ad.Var) Distribution, params []ad.Matrix, x ad.Matrix, opt *ad.CheckOptions) {
	t.Helper()
	in := append([]ad.Matrix{x}, params...)
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return build(v[1:]).LogProb(v[0])
	}, in, opt)
	assert.NoError(t, err, "LogProb gradient")
}

// checkKLGrad checks the gradient of KL(p || q) with respect to every
// parameter of both sides. build returns p and q made from the parameters.
func checkKLGrad(t *testing.T, build func(ps []ad.Var) (Distribution, Distribution), params []ad.Matrix, opt *ad.CheckOptions) {
	t.Helper()
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		p, q := build(v)
		kl, err := KL(p, q)
		if err != nil {
			panic(err)
		}
		return kl
	}, params, opt)
	assert.NoError(t, err, "KL gradient")
}

// checkMoments draws n samples from a 1x1 univariate d and asserts that
// the sample mean and variance are within z standard errors of Mean and
// Variance (checkSampleMoments).
func checkMoments(t *testing.T, d Moments, rng *rand.Rand, n int, z float64) {
	t.Helper()
	xs := d.Sample(rng, n).Value()
	require.Len(t, xs, n)
	checkSampleMoments(t, xs, d.Mean().Scalar(), d.Variance().Scalar(), z, fmt.Sprintf("%T", d))
}

// sampleMoments returns the mean, the unbiased variance and the fourth
// central moment of xs.
func sampleMoments(xs []float64) (m, m2, m4 float64) {
	n := float64(len(xs))
	for _, x := range xs {
		m += x
	}
	m /= n
	for _, x := range xs {
		d := x - m
		m2 += d * d
		m4 += d * d * d * d
	}
	return m, m2 / (n - 1), m4 / n
}

// checkSampleMoments asserts that the sample mean and variance of xs are
// within z standard errors of mean and vari; the standard error of the
// variance uses the sample's fourth central moment.
func checkSampleMoments(t *testing.T, xs []float64, mean, vari, z float64, msg string) {
	t.Helper()
	n := float64(len(xs))
	m, m2, m4 := sampleMoments(xs)
	assert.InDelta(t, mean, m, z*math.Sqrt(vari/n), "%s: sample mean", msg)
	assert.InDelta(t, vari, m2, z*math.Sqrt((m4-m2*m2)/n), "%s: sample variance", msg)
}

func checkKS(t *testing.T, d Distribution, cdf func(float64) float64, rng *rand.Rand, n int) {
	t.Helper()
	checkKSValues(t, d.Sample(rng, n).Value(), cdf, "%T", d)
}

// ksStatistic returns the Kolmogorov-Smirnov statistic of the sample xs
// against cdf.
func ksStatistic(xs []float64, cdf func(float64) float64) float64 {
	xs = append([]float64(nil), xs...)
	sort.Float64s(xs)
	n := float64(len(xs))
	var d float64
	for i, x := range xs {
		f := cdf(x)
		d = math.Max(d, math.Max(math.Abs(f-float64(i)/n), math.Abs(f-float64(i+1)/n)))
	}
	return d
}

// checkKSValues asserts that the sample xs (for instance a column of a
// multivariate sample) passes a one-sample Kolmogorov-Smirnov test against
// cdf at the 0.1% level: D < 1.95/√n.
func checkKSValues(t *testing.T, xs []float64, cdf func(float64) float64, msg string, args ...any) {
	t.Helper()
	assert.Less(t, ksStatistic(xs, cdf), 1.95/math.Sqrt(float64(len(xs))), append([]any{"KS statistic: " + msg}, args...)...)
}

// checkKLMonteCarlo asserts that KL(p || q) agrees with the Monte Carlo
// mean of log p(x) - log q(x), x ~ p, within z standard errors.
func checkKLMonteCarlo(t *testing.T, p, q Distribution, rng *rand.Rand, n int, z float64) {
	t.Helper()
	kl, err := KL(p, q)
	require.NoError(t, err)
	x := p.Sample(rng, n)
	lp, lq := p.LogProb(x).Value(), q.LogProb(x).Value()
	var m, m2 float64
	for i := range lp {
		d := lp[i] - lq[i]
		m += d
		m2 += d * d
	}
	m /= float64(n)
	se := math.Sqrt((m2/float64(n) - m*m) / float64(n))
	assert.InDelta(t, kl.Scalar(), m, z*se+1e-12, "KL(%T || %T) by Monte Carlo", p, q)
}

// assertRel asserts |got - want| <= tol*|want| (or <= tol when want = 0).
func assertRel(t *testing.T, want, got, tol float64, msg string, args ...any) {
	t.Helper()
	if want == 0 {
		assert.InDelta(t, want, got, tol, append([]any{msg}, args...)...)
		return
	}
	assert.InEpsilon(t, want, got, tol, append([]any{msg}, args...)...)
}

// mat is shorthand for a 1x1 ad.Matrix.
func mat(x float64) ad.Matrix { return ad.Matrix{Rows: 1, Cols: 1, Data: []float64{x}} }

// row is shorthand for a 1 x n ad.Matrix.
func row(xs ...float64) ad.Matrix { return ad.Matrix{Rows: 1, Cols: len(xs), Data: xs} }

// col is shorthand for an n x 1 ad.Matrix.
func col(xs ...float64) ad.Matrix { return ad.Matrix{Rows: len(xs), Cols: 1, Data: xs} }

// klScalar returns KL(p || q) for 1x1-shaped distributions.
func klScalar(t *testing.T, p, q Distribution) float64 {
	t.Helper()
	kl, err := KL(p, q)
	require.NoError(t, err)
	return kl.Scalar()
}

// newRNG returns a seeded generator.
func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x5deece66d)) }

// meanSE returns the mean of xs and its standard error (the sample
// standard deviation over √n).
func meanSE(xs []float64) (mean, se float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	var v float64
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(v / (n - 1) / n)
}

// pathwiseGrads estimates d/dθ E[f(z)] for z ~ build(θ) by Rsample:
// every parameter is an n x 1 Param repeating its value in vals, one
// draw is made per row, and the per-row gradients of Σ f(z) are the
// per-draw pathwise derivatives df(z_i)/dθ. It returns them per
// parameter.
func pathwiseGrads(t *testing.T, rng *rand.Rand, n int, vals []float64, build func(ps []ad.Var) Reparameterized, f func(ad.Var) ad.Var) [][]float64 {
	t.Helper()
	tp := ad.NewTape()
	ps := make([]*ad.Param, len(vals))
	vs := make([]ad.Var, len(vals))
	for i, v := range vals {
		init := make([]float64, n)
		for k := range init {
			init[k] = v
		}
		ps[i] = ad.NewParam("θ", n, 1, init)
		vs[i] = tp.Param(ps[i])
	}
	z := build(vs).Rsample(rng, 1)
	require.Equal(t, [2]int{n, 1}, [2]int{z.Rows(), z.Cols()}, "one draw per row")
	tp.Backward(ad.Sum(f(z)))
	out := make([][]float64, len(vals))
	for i, p := range ps {
		out[i] = p.Grad
	}
	return out
}

// pathwiseGradMeans returns, for each parameter, the mean of the
// per-draw pathwise derivatives of pathwiseGrads and its standard error.
func pathwiseGradMeans(t *testing.T, rng *rand.Rand, n int, vals []float64,
	build func(ps []ad.Var) Reparameterized, g func(z ad.Var) ad.Var) (mean, se []float64) {
	t.Helper()
	for _, gk := range pathwiseGrads(t, rng, n, vals, build, g) {
		m, s := meanSE(gk)
		mean = append(mean, m)
		se = append(se, s)
	}
	return mean, se
}

// assertPathwise asserts that the mean of per-draw gradients g is
// within 5 Monte Carlo standard errors of want.
func assertPathwise(t *testing.T, want float64, g []float64, msg string, args ...any) {
	t.Helper()
	m, se := meanSE(g)
	assert.InDelta(t, want, m, 5*se, append([]any{"Rsample " + msg + " (5 Monte Carlo SE)"}, args...)...)
}

// checkPathwise asserts that the pathwise gradient of E[f(z)] with
// respect to each parameter, z ~ build(params) drawn n times by Rsample
// (pathwiseGrads), is within 5 Monte Carlo standard errors of want.
func checkPathwise(t *testing.T, build func(ps []ad.Var) Distribution, params []float64, fname string, f func(ad.Var) ad.Var, want []float64, rng *rand.Rand, n int) {
	t.Helper()
	var d Distribution
	g := pathwiseGrads(t, rng, n, params, func(ps []ad.Var) Reparameterized {
		d = build(ps)
		return d.(Reparameterized)
	}, f)
	for k := range params {
		m, se := meanSE(g[k])
		assert.InDelta(t, want[k], m, 5*se, "%T: d/dθ%d E[%s] within 5 Monte Carlo standard errors (se %.3g)", d, k, fname, se)
	}
}

// checkKLRandom asserts KL(p || q) >= 0 (never NaN) and KL(p || p) = 0
// for n random pairs drawn with rng.
func checkKLRandom(t *testing.T, rng *rand.Rand, draw func(rng *rand.Rand) (Distribution, Distribution), n int) {
	t.Helper()
	for range n {
		p, q := draw(rng)
		v := klScalar(t, p, q)
		assert.False(t, math.IsNaN(v), "KL(%v || %v) is NaN", p, q)
		assert.GreaterOrEqual(t, v, 0.0, "KL(%v || %v) >= 0", p, q)
		assert.Equal(t, 0.0, klScalar(t, p, p), "KL(%v || %v) = 0", p, p)
	}
}

// drawTwice returns a pair drawer for checkKLRandom: p and q drawn
// independently from gen.
func drawTwice(gen func(rng *rand.Rand) Distribution) func(rng *rand.Rand) (Distribution, Distribution) {
	return func(rng *rand.Rand) (Distribution, Distribution) { return gen(rng), gen(rng) }
}

// logUniform draws exp(U(log lo, log hi)).
func logUniform(rng *rand.Rand, lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
}

// checkMomentsGrad checks the gradients of Mean, Variance and Entropy
// with respect to every parameter by finite differences (for families
// whose moments are fused nodes).
func checkMomentsGrad(t *testing.T, build func(ps []ad.Var) Distribution, params []ad.Matrix) {
	t.Helper()
	checkParamFnGrad(t, func(ps []ad.Var) ad.Var { return build(ps).(Moments).Mean() }, params, "Mean gradient")
	checkParamFnGrad(t, func(ps []ad.Var) ad.Var { return build(ps).(Moments).Variance() }, params, "Variance gradient")
	checkParamFnGrad(t, func(ps []ad.Var) ad.Var { return build(ps).(Entropic).Entropy() }, params, "Entropy gradient")
}

// checkParamFnGrad checks the gradient of a function of the
// distribution's parameters (Mean, Variance, Entropy) by finite
// differences.
func checkParamFnGrad(t *testing.T, fn func(ps []ad.Var) ad.Var, params []ad.Matrix, msg string) {
	t.Helper()
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return fn(v) }, params, nil)
	assert.NoError(t, err, msg)
}
