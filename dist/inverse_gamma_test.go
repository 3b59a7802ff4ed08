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

func TestInverseGammaAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{0.5, 1}, {3, 2}, {12, 40}} {
		d := Must(NewInverseGamma(c[0], c[1]))
		ref := distuv.InverseGamma{Alpha: c[0], Beta: c[1]}
		for _, x := range []float64{0.01, 0.3, 1, 4, 50} {
			assertRel(t, ref.LogProb(x), logProbAt(d, x), 1e-13, "logpdf %v at %v", c, x)
			assertRel(t, ref.CDF(x), d.CDF(ad.Scalar(x)).Scalar(), 1e-13, "cdf %v at %v", c, x)
		}
		if c[0] >= 3 {
			// (For α < 1 the x^(-α-1) tail defeats the fixed quadrature rule.)
			mode := c[1] / (c[0] + 1)
			checkNormalized(t, d, 0, math.Inf(1), 1e-8, mode/4, mode, 4*mode, 40*mode)
		}
	}
	// Mean and variance where they exist; +Inf elsewhere.
	d := Must(NewInverseGamma(5, 2))
	ref := distuv.InverseGamma{Alpha: 5, Beta: 2}
	assertRel(t, ref.Mean(), d.Mean().Scalar(), 1e-15, "mean")
	assertRel(t, ref.Variance(), d.Variance().Scalar(), 1e-15, "variance")
	assert.Equal(t, math.Inf(1), Must(NewInverseGamma(1, 2)).Mean().Scalar())
	assert.Equal(t, math.Inf(1), Must(NewInverseGamma(1.5, 2)).Variance().Scalar())
	assert.Equal(t, math.Inf(-1), logProbAt(d, 0))
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(0)).Scalar())
	assert.Equal(t, 1.0, d.CDF(ad.Scalar(math.Inf(1))).Scalar())
	// Entropy against mpmath quadrature and our own quadrature.
	for _, e := range loadGammaRef(t).Entropy.InverseGamma {
		assertRel(t, e[2], Must(NewInverseGamma(e[0], e[1])).Entropy().Scalar(), 1e-13, "entropy IG(%v, %v)", e[0], e[1])
	}
	assertRel(t, entropyQuadGamma(d, 0, math.Inf(1), 0.1, 0.33, 1, 10), d.Entropy().Scalar(), 1e-9, "entropy by quadrature")
	// Batch.
	db := Must(InverseGammaOf(ad.Const(2, 2, []float64{1, 2, 3, 4}), ad.Scalar(1.5)))
	x := ad.Const(2, 2, []float64{0.5, 1, 2, 3})
	lp := db.LogProb(x).Value()
	for i := 0; i < 2; i++ {
		var want float64
		for j := 0; j < 2; j++ {
			want += distuv.InverseGamma{Alpha: db.Concentration.At(i, j), Beta: 1.5}.LogProb(x.At(i, j))
		}
		assertRel(t, want, lp[i], 1e-13, "row %d", i)
	}
}

func TestInverseGammaGradients(t *testing.T) {
	build := func(ps []ad.Var) Distribution { return InverseGamma{Concentration: ps[0], Rate: ps[1]} }
	checkLogProbGrad(t, build, []ad.Matrix{row(0.6, 3), row(1.2, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{0.3, 2, 1.5, 0.2}}, nil)
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return InverseGamma{Concentration: v[1], Rate: v[2]}.CDF(v[0])
	}, []ad.Matrix{row(0.2, 1.5, 4), row(0.7, 2.5, 8), mat(1.3)}, nil)
	assert.NoError(t, err, "CDF gradient")
	params := []ad.Matrix{row(2.5, 4, 30), row(2, 0.5, 1)}
	g := func(ps []ad.Var) InverseGamma { return InverseGamma{Concentration: ps[0], Rate: ps[1]} }
	checkMomentsGrad(t, func(ps []ad.Var) Distribution { return g(ps) }, params)
}

func TestInverseGammaSampling(t *testing.T) {
	rng := newRNG(31)
	d := Must(NewInverseGamma(6, 2))
	checkMoments(t, d, rng, 200000, 5)
	for _, c := range [][2]float64{{0.4, 1}, {6, 2}} {
		checkKS(t, Must(NewInverseGamma(c[0], c[1])), distuv.InverseGamma{Alpha: c[0], Beta: c[1]}.CDF, rng, 20000)
	}
	build := func(ps []ad.Var) Reparameterized { return InverseGamma{Concentration: ps[0], Rate: ps[1]} }
	a, b := 5.0, 2.0
	g := pathwiseGrads(t, rng, 100000, []float64{a, b}, build, func(z ad.Var) ad.Var { return z })
	assertPathwise(t, -b/((a-1)*(a-1)), g[0], "d/dα E[w]")
	assertPathwise(t, 1/(a-1), g[1], "d/dβ E[w]")
	g = pathwiseGrads(t, rng, 100000, []float64{0.3, b}, build, ad.Log)
	assertPathwise(t, -special.Trigamma(0.3), g[0], "d/dα E[log w]")
	for _, v := range Must(NewInverseGamma(0.01, 1)).Sample(rng, 20000).Value() {
		require.True(t, v > 0 && !math.IsInf(v, 1), "InverseGamma(0.01) sample %v", v)
	}
}

func TestInverseGammaValidate(t *testing.T) {
	_, err := NewInverseGamma(-1, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "concentration[0] = -1")
	var pe *ParamError
	_, err = NewInverseGamma(1, 0)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "rate", pe.Param)
	_, err = InverseGammaOf(ad.Const(2, 1, []float64{1, 1}), ad.Const(3, 1, []float64{1, 1, 1}))
	require.Error(t, err)
}
