package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func TestChi2AgainstGonum(t *testing.T) {
	for _, k := range []float64{0.6, 1, 2, 5.5, 40} {
		d := Must(NewChi2(k))
		ref := distuv.ChiSquared{K: k}
		for _, x := range []float64{1e-6, 0.05, 1, 4, 30, 120} {
			assertRel(t, ref.LogProb(x), logProbAt(d, x), 1e-13, "logpdf χ²(%v) at %v", k, x)
			assertRel(t, ref.CDF(x), d.CDF(ad.Scalar(x)).Scalar(), 1e-13, "cdf χ²(%v) at %v", k, x)
		}
		assertRel(t, ref.Mean(), d.Mean().Scalar(), 1e-15, "mean")
		assertRel(t, ref.Variance(), d.Variance().Scalar(), 1e-15, "variance")
		// Entropy: the Gamma(k/2, 1/2) entropy, and quadrature for k >= 2.
		assertRel(t, Must(NewGamma(k/2, 0.5)).Entropy().Scalar(), d.Entropy().Scalar(), 1e-14, "entropy χ²(%v) as Gamma", k)
		if k >= 2 {
			checkNormalized(t, d, 0, math.Inf(1), 1e-10, k/4, k, 4*k)
			assertRel(t, entropyQuadGamma(d, 0, math.Inf(1), k/4, k, 4*k), d.Entropy().Scalar(), 1e-9, "entropy χ²(%v) by quadrature", k)
		}
	}
	d := Must(NewChi2(3))
	assert.Equal(t, math.Inf(-1), logProbAt(d, 0))
	assert.Equal(t, math.Inf(-1), logProbAt(d, -2))
	// Batch and broadcasting: a 2 x 1 df against a 2 x 2 value tiled twice.
	db := Must(Chi2Of(ad.Const(2, 1, []float64{1.5, 7})))
	x := ad.Const(4, 2, []float64{0.5, 1, 2, 3, 4, 5, 6, 7})
	lp := db.LogProb(x).Value()
	for i := 0; i < 4; i++ {
		ref := distuv.ChiSquared{K: []float64{1.5, 7}[i%2]}
		assertRel(t, ref.LogProb(x.At(i, 0))+ref.LogProb(x.At(i, 1)), lp[i], 1e-13, "row %d", i)
	}
	require.Len(t, db.Entropy().Value(), 2)
}

func TestChi2Gradients(t *testing.T) {
	build := func(ps []ad.Var) Distribution { return Chi2{Df: ps[0]} }
	checkLogProbGrad(t, build, []ad.Matrix{row(0.8, 5)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{0.3, 2, 1.5, 9}}, nil)
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return Chi2{Df: v[1]}.CDF(v[0])
	}, []ad.Matrix{row(0.2, 1.5, 8), mat(2.7)}, nil)
	assert.NoError(t, err, "CDF gradient")
	checkParamFnGrad(t, func(ps []ad.Var) ad.Var { return Chi2{Df: ps[0]}.Entropy() }, []ad.Matrix{row(0.5, 3, 70)}, "Entropy gradient")
}

func TestChi2Sampling(t *testing.T) {
	rng := newRNG(21)
	for _, k := range []float64{0.5, 4, 60} {
		d := Must(NewChi2(k))
		checkMoments(t, d, rng, 200000, 5)
		checkKS(t, d, distuv.ChiSquared{K: k}.CDF, rng, 20000)
	}
	// d/dk E[z] = 1, d/dk E[log z] = ψ₁(k/2)/2.
	build := func(ps []ad.Var) Reparameterized { return Chi2{Df: ps[0]} }
	g := pathwiseGrads(t, rng, 100000, []float64{3}, build, func(z ad.Var) ad.Var { return z })
	assertPathwise(t, 1, g[0], "d/dk E[z]")
	g = pathwiseGrads(t, rng, 100000, []float64{0.7}, build, ad.Log)
	assertPathwise(t, special.Trigamma(0.35)/2, g[0], "d/dk E[log z]")
}

func TestChi2Validate(t *testing.T) {
	_, err := NewChi2(0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "df[0] = 0")
	var pe *ParamError
	_, err = Chi2Of(ad.Row([]float64{1, math.NaN()}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "df", pe.Param)
	assert.Equal(t, 1, pe.Index)
	_, err = Chi2Of(ad.Var{})
	require.Error(t, err)
}
