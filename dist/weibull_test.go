package dist

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func weibullOf(ps []ad.Var) Distribution { return Weibull{Scale: ps[0], Concentration: ps[1]} }
func weibull1(ps []float64) Distribution { return Must(NewWeibull(ps[0], ps[1])) }

// weibullBreaks returns quadrature breakpoints for a Weibull(λ, k)
// density: geometric towards 0, where it is singular for k < 1, and
// around λ.
func weibullBreaks(lam float64) []float64 {
	var bs []float64
	for e := -16; e <= 0; e += 2 {
		bs = append(bs, lam*math.Pow(10, float64(e)))
	}
	return append(bs, 0.5*lam, 2*lam, 4*lam)
}

func TestWeibullAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{1, 1}, {0.2, 0.7}, {7, 2.5}, {2, 9}} {
		d := Must(NewWeibull(c[0], c[1]))
		xs := []float64{-1, 1e-3 * c[0], 0.3 * c[0], c[0], 2.5 * c[0]}
		checkAgainstRef(t, d, distuv.Weibull{Lambda: c[0], K: c[1]}, xs, 1e-13, "Weibull")
		checkQuad(t, d, 0, math.Inf(1), 1e-10, []float64{0.3 * c[0], c[0]}, weibullBreaks(c[0])...)
	}
	checkFamilyRef(t, "Weibull", weibull1, 1e-14)
	// The boundary x = 0: the limits of the density.
	assertRel(t, -math.Log(2), logProbAt(weibull1([]float64{2, 1}), 0), 1e-15, "k = 1 at 0: Exponential(1/λ)")
	assert.Equal(t, math.Inf(-1), logProbAt(weibull1([]float64{2, 1.5}), 0), "k > 1 at 0")
	assert.Equal(t, math.Inf(1), logProbAt(weibull1([]float64{2, 0.5}), 0), "k < 1 at 0")
	assert.Equal(t, math.Inf(-1), logProbAt(weibull1([]float64{2, 0.5}), -1e-300), "below 0")
	// A row with one value below 0 and one at the +Inf boundary is -Inf, not NaN.
	lp := weibull1([]float64{2, 0.5}).LogProb(ad.Row([]float64{0, -1})).Scalar()
	assert.Equal(t, math.Inf(-1), lp, "row with x = 0 (k < 1) and x < 0")
}

// TestWeibullVarianceLargeConcentration checks the variance where
// Γ(1+2/k) - Γ(1+1/k)² cancels (torch and gonum lose every digit there)
// against mpmath, and against the asymptotic λ²π²/(6k²) for k → ∞.
func TestWeibullVarianceLargeConcentration(t *testing.T) {
	// mpmath cases (k = 50, 1e3, 1e5) are in locscale_ref.json.
	checkFamilyRef(t, "Weibull", weibull1, 1e-14)
	for _, k := range []float64{1e8, 1e12} {
		v := weibull1([]float64{3, k}).(Moments).Variance().Scalar()
		// V = λ²(ζ(2)ε² + O(ε³)) with ε = 1/k (DLMF 5.7.3 twice).
		assertRel(t, 9*math.Pi*math.Pi/6/(k*k), v, 10/k, "variance at k = %v", k)
	}
}

func TestWeibullBatch(t *testing.T) {
	ref := func(p []float64, x float64) float64 {
		return distuv.Weibull{Lambda: p[0], K: p[1]}.LogProb(x)
	}
	cdf := func(p []float64, x float64) float64 { return distuv.Weibull{Lambda: p[0], K: p[1]}.CDF(x) }
	checkBatch(t, weibullOf, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0.5, 1, 2, 1.5, 0.3, 3}}, row(1, 2, 3)},
		ad.Matrix{Rows: 4, Cols: 3, Data: []float64{0.5, 1.5, 2.5, 1, 1, 1, 2, 2, 2, 1.4, -0.5, 6}}, ref, cdf)
	checkBatch(t, weibullOf, []ad.Matrix{mat(0.3), col(0.5, 2.5)}, row(0.4, 0.2, 1.9), ref, cdf)
}

func TestWeibullGradients(t *testing.T) {
	checkLogProbGrad(t, weibullOf, []ad.Matrix{row(0.3, 1), row(1.7, 0.6)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, 0.5, 1.3}}, nil)
	checkLogProbGrad(t, weibullOf, []ad.Matrix{mat(0.2), col(5, 6, 7)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{0.1, 0.2, 0.15, 0.3, 0.25, 0.18}}, nil)
	checkCDFGrad(t, weibullOf, []ad.Matrix{mat(1.1), mat(2.3)}, row(0.2, 0.5, 2), nil)
	checkCDFGrad(t, weibullOf, []ad.Matrix{row(0.9, 0.2), col(1.3, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 0.3, 0.3, 1}}, nil)
	checkMomentsGrad(t, weibullOf, []ad.Matrix{row(0.5, 1.2), col(3.5, 0.6)})
	// Large concentration, where the variance uses the series.
	checkMomentsGrad(t, weibullOf, []ad.Matrix{mat(1.5), mat(40)})
}

func TestWeibullSampling(t *testing.T) {
	rng := newRNG(111)
	d := Must(NewWeibull(1.4, 1.8))
	checkMoments(t, d, rng, 200000, 5)
	checkKS(t, d, distuv.Weibull{Lambda: 1.4, K: 1.8}.CDF, rng, 20000)
	// E[z] = λΓ(1+1/k): d/dλ = Γ(1+1/k), d/dk = -λΓ(1+1/k)ψ(1+1/k)/k².
	g := math.Gamma(1 + 1/1.8)
	checkPathwise(t, weibullOf, []float64{1.4, 1.8}, "z", func(z ad.Var) ad.Var { return z },
		[]float64{g, -1.4 * g * special.Digamma(1+1/1.8) / (1.8 * 1.8)}, rng, 200000)
}

func TestWeibullValidate(t *testing.T) {
	_, err := NewWeibull(0, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "scale[0] = 0")
	var pe *ParamError
	_, err = WeibullOf(ad.Scalar(1), ad.Row([]float64{1, -2}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "concentration", pe.Param)
	assert.Equal(t, 1, pe.Index)
	_, err = WeibullOf(ad.Const(1, 2, []float64{1, 1}), ad.Const(1, 3, []float64{1, 1, 1}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
}

// weibullFisher is the Fisher information of Weibull(λ, k):
// [[k²/λ², -(1-γ)/λ], [-(1-γ)/λ, ((1-γ)² + π²/6)/k²]].
func weibullFisher(lam, k float64) [][]float64 {
	g := 1 - eulerGamma
	return [][]float64{{k * k / (lam * lam), -g / lam}, {-g / lam, (g*g + math.Pi*math.Pi/6) / (k * k)}}
}

func TestKLWeibullWeibull(t *testing.T) {
	build := func(p, q []float64) (Distribution, Distribution) { return weibull1(p), weibull1(q) }
	for _, c := range [][4]float64{{1, 1, 1, 1}, {1.2, 3, 1, 2}, {0.5, 0.7, 0.3, 1.7}, {3, 2.5, 3, 0.4}, {2, 1, 1.5, 1}} {
		p, q := weibull1(c[:2]), weibull1(c[2:])
		want := klQuadLogTails(p, q, 0, math.Inf(1), weibullBreaks(c[0])...)
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
		// Bauckhage (2013), eq. (10), written out directly.
		l1, k1, l2, k2 := c[0], c[1], c[2], c[3]
		direct := math.Log(k1/math.Pow(l1, k1)) - math.Log(k2/math.Pow(l2, k2)) + (k1-k2)*(math.Log(l1)-eulerGamma/k1) +
			math.Pow(l1/l2, k2)*math.Gamma(k2/k1+1) - 1
		assert.InDelta(t, direct, klScalar(t, p, q), 1e-13*math.Max(1, direct), "KL %v direct", c)
	}
	// k = 1 is the exponential family with rate 1/λ.
	assertRel(t, klScalar(t, exponential1([]float64{1 / 2.0}), exponential1([]float64{1 / 1.5})),
		klScalar(t, weibull1([]float64{2, 1}), weibull1([]float64{1.5, 1})), 1e-14, "k = 1: Exponential KL")
	checkKLRef(t, "Weibull", build, 5e-15, 5e-15)
	checkKLFisher(t, weibull1, []float64{1.3, 2.2}, []float64{1.3, 2.2}, weibullFisher(1.3, 2.2), 5e-6)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Weibull{Scale: v[0], Concentration: v[1]}, Weibull{Scale: v[2], Concentration: v[3]}
	}, []ad.Matrix{row(1.1, 0.9), row(0.8, 1.9), mat(0.5), row(1.2, 2.6)}, nil)
	checkKLBatch(t, func(v []ad.Var) (Distribution, Distribution) {
		return Weibull{Scale: v[0], Concentration: v[1]}, Weibull{Scale: v[2], Concentration: v[3]}
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{1.1, 0.4, 3, 1}}, row(0.8, 1.9), mat(0.5), col(4.2, 2.6)})
	checkKLRandom(t, newRNG(11), func(rng *rand.Rand) (Distribution, Distribution) {
		return Must(NewWeibull(logUniform(rng, 1e-1, 1e1), logUniform(rng, 0.2, 20))),
			Must(NewWeibull(logUniform(rng, 1e-1, 1e1), logUniform(rng, 0.2, 20)))
	}, 500)
	checkKLMonteCarlo(t, Must(NewWeibull(1.5, 3)), Must(NewWeibull(1, 2)), newRNG(112), 100000, 5)
}
