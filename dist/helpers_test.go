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
