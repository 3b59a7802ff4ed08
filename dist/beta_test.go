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

func TestBetaAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{0.5, 0.5}, {1, 1}, {2, 5}, {0.3, 4}, {40, 25}} {
		d := Must(NewBeta(c[0], c[1]))
		ref := distuv.Beta{Alpha: c[0], Beta: c[1]}
		for _, x := range []float64{1e-6, 0.05, 0.3, 0.5, 0.61, 0.9, 0.999} {
			assertRel(t, ref.LogProb(x), logProbAt(d, x), 1e-13, "logpdf %v at %v", c, x)
			assertRel(t, ref.CDF(x), d.CDF(ad.Scalar(x)).Scalar(), 1e-13, "cdf %v at %v", c, x)
		}
		assertRel(t, ref.Mean(), d.Mean().Scalar(), 1e-15, "mean %v", c)
		assertRel(t, ref.Variance(), d.Variance().Scalar(), 1e-14, "variance %v", c)
		// gonum's Beta entropy uses its own digamma, good to about 1e-10.
		assertRel(t, ref.Entropy(), d.Entropy().Scalar(), 1e-9, "entropy %v", c)
		if c[0] >= 1 && c[1] >= 1 {
			checkNormalized(t, d, 0, 1, 1e-10)
			assertRel(t, entropyQuadGamma(d, 0, 1), d.Entropy().Scalar(), 1e-9, "entropy by quadrature %v", c)
		}
	}
	d := Must(NewBeta(2, 3))
	assert.Equal(t, math.Inf(-1), logProbAt(d, -0.1))
	assert.Equal(t, math.Inf(-1), logProbAt(d, 1.1))
	assert.Equal(t, math.Inf(-1), logProbAt(d, 0), "density 0 at the boundary")
	assertRel(t, math.Log(3), logProbAt(Must(NewBeta(1, 3)), 0), 1e-15, "Beta(1, 3) at 0")
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(-1)).Scalar())
	assert.Equal(t, 1.0, d.CDF(ad.Scalar(2)).Scalar())
	// Batch: 2 x 2 parameters with tiled values.
	a := ad.Const(2, 2, []float64{0.5, 2, 3, 4})
	b := ad.Const(1, 2, []float64{1.5, 0.7})
	db := Must(BetaOf(a, b))
	x := ad.Const(4, 2, []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8})
	lp := db.LogProb(x).Value()
	h := db.Entropy().Value()
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 2; j++ {
			want += distuv.Beta{Alpha: a.At(i%2, j), Beta: b.At(0, j)}.LogProb(x.At(i, j))
		}
		assertRel(t, want, lp[i], 1e-13, "row %d", i)
	}
	for i := 0; i < 2; i++ {
		want := distuv.Beta{Alpha: a.At(i, 0), Beta: 1.5}.Entropy() + distuv.Beta{Alpha: a.At(i, 1), Beta: 0.7}.Entropy()
		assertRel(t, want, h[i], 1e-9, "entropy row %d", i)
	}
}

func TestBetaGradients(t *testing.T) {
	build := func(ps []ad.Var) Distribution { return Beta{Concentration1: ps[0], Concentration0: ps[1]} }
	checkLogProbGrad(t, build, []ad.Matrix{row(0.6, 3), row(1.2, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{0.3, 0.2, 0.55, 0.9}}, nil)
	checkLogProbGrad(t, build, []ad.Matrix{mat(2.2), col(0.5, 1, 3)}, ad.Matrix{Rows: 3, Cols: 1, Data: []float64{0.1, 0.5, 0.8}}, nil)
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return Beta{Concentration1: v[1], Concentration0: v[2]}.CDF(v[0])
	}, []ad.Matrix{row(0.2, 0.5, 0.9), row(0.7, 2.5, 8), mat(1.3)}, nil)
	assert.NoError(t, err, "CDF gradient (x and both concentrations)")
	params := []ad.Matrix{row(0.4, 3, 25), row(2, 0.5, 1)}
	g := func(ps []ad.Var) Beta { return Beta{Concentration1: ps[0], Concentration0: ps[1]} }
	checkMomentsGrad(t, func(ps []ad.Var) Distribution { return g(ps) }, params)
}

func TestBetaSampling(t *testing.T) {
	rng := newRNG(41)
	for _, c := range [][2]float64{{0.4, 0.6}, {2, 5}, {60, 30}} {
		d := Must(NewBeta(c[0], c[1]))
		checkMoments(t, d, rng, 200000, 5)
		checkKS(t, d, distuv.Beta{Alpha: c[0], Beta: c[1]}.CDF, rng, 20000)
	}
	build := func(ps []ad.Var) Reparameterized { return Beta{Concentration1: ps[0], Concentration0: ps[1]} }
	for _, c := range [][2]float64{{0.5, 2}, {4, 3}} {
		a, b := c[0], c[1]
		s := a + b
		g := pathwiseGrads(t, rng, 100000, []float64{a, b}, build, func(z ad.Var) ad.Var { return z })
		assertPathwise(t, b/(s*s), g[0], "d/da E[x] = b/(a+b)² at %v", c)
		assertPathwise(t, -a/(s*s), g[1], "d/db E[x] = -a/(a+b)² at %v", c)
		g = pathwiseGrads(t, rng, 100000, []float64{a, b}, build, ad.Log)
		assertPathwise(t, special.Trigamma(a)-special.Trigamma(s), g[0], "d/da E[log x] at %v", c)
	}
	for _, v := range Must(NewBeta(0.01, 0.01)).Sample(rng, 20000).Value() {
		require.True(t, v > 0 && v < 1, "Beta(0.01, 0.01) sample %v in (0, 1)", v)
	}
}

func TestBetaValidate(t *testing.T) {
	_, err := NewBeta(0, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "concentration1[0] = 0")
	var pe *ParamError
	_, err = NewBeta(1, math.NaN())
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "concentration0", pe.Param)
	_, err = BetaOf(ad.Const(1, 2, []float64{1, 1}), ad.Const(1, 3, []float64{1, 1, 1}))
	require.Error(t, err)
	assert.Equal(t, "unit_interval", Must(NewBeta(1, 1)).Support().String())
}
