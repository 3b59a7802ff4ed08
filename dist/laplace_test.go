package dist

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func laplaceOf(ps []ad.Var) Distribution { return Laplace{Loc: ps[0], Scale: ps[1]} }
func laplace1(ps []float64) Distribution { return Must(NewLaplace(ps[0], ps[1])) }

func TestLaplaceAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{0, 1}, {-3.5, 0.2}, {10, 7}} {
		d := Must(NewLaplace(c[0], c[1]))
		ref := distuv.Laplace{Mu: c[0], Scale: c[1]}
		checkAgainstRef(t, d, ref, []float64{-20, -1, 0, 0.3, 4, 50}, 1e-14, "Laplace")
		checkQuad(t, d, math.Inf(-1), math.Inf(1), 1e-10, []float64{c[0] - c[1], c[0] + 0.5}, c[0])
	}
	checkFamilyRef(t, "Laplace", laplace1, 1e-14)
	// Far left tail: e^z/2 keeps relative accuracy.
	d := Must(NewLaplace(0, 1))
	assertRel(t, 0.5*math.Exp(-700), d.CDF(ad.Scalar(-700)).Scalar(), 1e-14, "CDF far left")
}

func TestLaplaceBatch(t *testing.T) {
	ref := func(p []float64, x float64) float64 { return distuv.Laplace{Mu: p[0], Scale: p[1]}.LogProb(x) }
	cdf := func(p []float64, x float64) float64 { return distuv.Laplace{Mu: p[0], Scale: p[1]}.CDF(x) }
	// 2 x 3 loc, 1 x 3 scale, x tiles the batch twice.
	checkBatch(t, laplaceOf, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0, 1, 2, -1, -2, -3}}, row(1, 2, 3)},
		ad.Matrix{Rows: 4, Cols: 3, Data: []float64{0.5, 0.5, 0.5, 1, 1, 1, 2, 2, 2, -1, 0, 1}}, ref, cdf)
	// Scalar loc, column scale, a row x broadcast over the batch.
	checkBatch(t, laplaceOf, []ad.Matrix{mat(0.3), col(0.5, 2)}, row(-1, 0.2, 7), ref, cdf)
}

func TestLaplaceGradients(t *testing.T) {
	checkLogProbGrad(t, laplaceOf, []ad.Matrix{row(0.3, -1), row(0.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, -0.5, 0}}, nil)
	checkLogProbGrad(t, laplaceOf, []ad.Matrix{mat(0.2), col(0.5, 1, 3)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, -0.5, 0, 4, -4}}, nil)
	checkCDFGrad(t, laplaceOf, []ad.Matrix{mat(0.1), mat(1.3)}, row(-1, 0.5, 2), nil)
	checkCDFGrad(t, laplaceOf, []ad.Matrix{row(0.1, -2), col(1.3, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{-1, 0.5, 2, -3}}, nil)
}

func TestLaplaceSampling(t *testing.T) {
	rng := newRNG(21)
	d := Must(NewLaplace(1.5, 0.7))
	checkMoments(t, d, rng, 200000, 5)
	checkKS(t, d, distuv.Laplace{Mu: 1.5, Scale: 0.7}.CDF, rng, 20000)
	// E[z²] = loc² + 2 scale².
	checkPathwise(t, laplaceOf, []float64{1.5, 0.7}, "z²", ad.Square, []float64{3, 2.8}, rng, 200000)
}

func TestLaplaceValidate(t *testing.T) {
	_, err := NewLaplace(0, -1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "scale[0] = -1")
	_, err = NewLaplace(math.Inf(1), 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loc[0] = +Inf")
	_, err = LaplaceOf(ad.Const(1, 2, []float64{0, 0}), ad.Const(1, 3, []float64{1, 1, 1}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
	var pe *ParamError
	_, err = LaplaceOf(ad.Scalar(0), ad.Row([]float64{1, math.NaN()}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scale", pe.Param)
	assert.Equal(t, 1, pe.Index)
}

func TestKLLaplaceLaplace(t *testing.T) {
	build := func(p, q []float64) (Distribution, Distribution) { return laplace1(p), laplace1(q) }
	for _, c := range [][4]float64{{0, 1, 0, 1}, {0, 1, 1, 2}, {-2, 0.3, 1, 5}, {3, 4, -1, 0.5}, {0, 0.05, 2, 1}} {
		p, q := laplace1(c[:2]), laplace1(c[2:])
		want := klQuadLogTails(p, q, math.Inf(-1), math.Inf(1), c[0], c[2])
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
	}
	checkKLRef(t, "Laplace", build, 5e-15, 5e-15)
	// Fisher information of Laplace(μ, b): diag(1/b², 1/b²).
	b := 1.3
	checkKLFisher(t, laplace1, []float64{0.7, b}, []float64{b, b}, [][]float64{{1 / (b * b), 0}, {0, 1 / (b * b)}}, 5e-6)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Laplace{Loc: v[0], Scale: v[1]}, Laplace{Loc: v[2], Scale: v[3]}
	}, []ad.Matrix{row(0.1, -0.4), row(0.8, 1.9), mat(0.5), row(1.2, 0.6)}, nil)
	checkKLBatch(t, func(v []ad.Var) (Distribution, Distribution) {
		return Laplace{Loc: v[0], Scale: v[1]}, Laplace{Loc: v[2], Scale: v[3]}
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.1, -0.4, 3, 0}}, row(0.8, 1.9), mat(0.5), col(1.2, 0.6)})
	checkKLRandom(t, newRNG(11), func(rng *rand.Rand) (Distribution, Distribution) {
		return Must(NewLaplace(3*rng.NormFloat64(), logUniform(rng, 1e-2, 1e2))), Must(NewLaplace(3*rng.NormFloat64(), logUniform(rng, 1e-2, 1e2)))
	}, 500)
	checkKLMonteCarlo(t, Must(NewLaplace(0, 1)), Must(NewLaplace(1, 2)), newRNG(22), 100000, 5)
}
