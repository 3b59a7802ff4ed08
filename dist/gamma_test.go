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

func TestGammaLogProbAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{0.5, 1}, {1, 2}, {2.5, 0.4}, {30, 7}} {
		d := Must(NewGamma(c[0], c[1]))
		ref := distuv.Gamma{Alpha: c[0], Beta: c[1]}
		for _, x := range []float64{1e-8, 0.01, 0.7, 3, 12, 80} {
			assertRel(t, ref.LogProb(x), logProbAt(d, x), 1e-13, "logpdf %v at %v", c, x)
			assertRel(t, ref.CDF(x), d.CDF(ad.Scalar(x)).Scalar(), 1e-13, "cdf %v at %v", c, x)
		}
		assertRel(t, ref.Mean(), d.Mean().Scalar(), 1e-15, "mean %v", c)
		assertRel(t, ref.Variance(), d.Variance().Scalar(), 1e-15, "variance %v", c)
		if c[0] >= 1 {
			m := c[0] / c[1]
			checkNormalized(t, d, 0, math.Inf(1), 1e-10, m/4, m, 4*m)
			assertRel(t, entropyQuadGamma(d, 0, math.Inf(1), m/4, m, 4*m), d.Entropy().Scalar(), 1e-9, "entropy by quadrature %v", c)
		}
	}
	d := Must(NewGamma(2, 1))
	for _, x := range []float64{-1, 0, math.Inf(1)} {
		assert.Equal(t, math.Inf(-1), logProbAt(d, x), "outside the support at %v", x)
	}
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(-1)).Scalar())
	assert.Equal(t, Positive().String(), d.Support().String())
	// Entropy against mpmath quadrature (testdata/gen_gamma_ref.py).
	for _, e := range loadGammaRef(t).Entropy.Gamma {
		assertRel(t, e[2], Must(NewGamma(e[0], e[1])).Entropy().Scalar(), 1e-13, "entropy Gamma(%v, %v)", e[0], e[1])
	}
}

// TestGammaFamilyLargeShape checks Gamma, InverseGamma and Chi2
// log-densities for shapes 1e5 to 1.5e9 against mpmath, where the direct
// formula loses up to nine digits to cancellation.
func TestGammaFamilyLargeShape(t *testing.T) {
	refs := loadGammaRef(t).LargeShapeLogPDF
	require.NotEmpty(t, refs)
	for _, r := range refs {
		var d Distribution
		switch r.Family {
		case "gamma":
			d = Must(NewGamma(r.A, r.B))
		case "inverse_gamma":
			d = Must(NewInverseGamma(r.A, r.B))
		case "chi2":
			d = Must(NewChi2(r.A))
		}
		require.NotNil(t, d, r.Family)
		assert.InDelta(t, r.LogPDF, logProbAt(d, r.X), 1e-12*math.Max(1, math.Abs(r.LogPDF)), "%s(%v, %v) at %v", r.Family, r.A, r.B, r.X)
	}
}

func TestGammaBatch(t *testing.T) {
	conc := ad.Const(2, 3, []float64{0.5, 1, 2, 3, 4, 5})
	rate := ad.Const(1, 3, []float64{1, 2, 0.5})
	d := Must(GammaOf(conc, rate))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{b, c})
	x := ad.Const(4, 3, []float64{0.5, 0.5, 0.5, 1, 1, 1, 2, 2, 2, 0.1, 3, 7})
	lp := d.LogProb(x).Value()
	cdf := d.CDF(x).Value()
	require.Len(t, lp, 4)
	h := d.Entropy().Value()
	require.Len(t, h, 2)
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 3; j++ {
			ref := distuv.Gamma{Alpha: conc.At(i%2, j), Beta: rate.At(0, j)}
			want += ref.LogProb(x.At(i, j))
			assertRel(t, ref.CDF(x.At(i, j)), cdf[i*3+j], 1e-13, "cdf (%d, %d)", i, j)
		}
		assertRel(t, want, lp[i], 1e-13, "row %d", i)
	}
	for i := 0; i < 2; i++ {
		var want float64
		for j := 0; j < 3; j++ {
			want += Must(NewGamma(conc.At(i, j), rate.At(0, j))).Entropy().Scalar()
		}
		assertRel(t, want, h[i], 1e-14, "entropy row %d", i)
	}
	m := d.Mean()
	require.Equal(t, 6, m.Len())
	assertRel(t, 4.0/2, m.At(1, 1), 1e-15, "mean (1,1)")
}

func TestGammaGradients(t *testing.T) {
	build := func(ps []ad.Var) Distribution { return Gamma{Concentration: ps[0], Rate: ps[1]} }
	checkLogProbGrad(t, build, []ad.Matrix{row(0.6, 3), row(1.2, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{0.3, 2, 1.5, 9}}, nil)
	checkLogProbGrad(t, build, []ad.Matrix{mat(2.2), col(0.5, 1, 3)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, 0.5, 0.1, 4, 0.7}}, nil)
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return Gamma{Concentration: v[1], Rate: v[2]}.CDF(v[0])
	}, []ad.Matrix{row(0.2, 1.5, 4), row(0.7, 2.5, 40), mat(1.3)}, nil)
	assert.NoError(t, err, "CDF gradient")
	params := []ad.Matrix{row(0.4, 3, 25), row(2, 0.5, 1)}
	g := func(ps []ad.Var) Gamma { return Gamma{Concentration: ps[0], Rate: ps[1]} }
	checkMomentsGrad(t, func(ps []ad.Var) Distribution { return g(ps) }, params)
}

func TestGammaSampling(t *testing.T) {
	rng := newRNG(11)
	for _, c := range [][2]float64{{0.3, 2}, {2.5, 0.7}, {150, 3}} {
		d := Must(NewGamma(c[0], c[1]))
		checkMoments(t, d, rng, 200000, 5)
		checkKS(t, d, distuv.Gamma{Alpha: c[0], Beta: c[1]}.CDF, rng, 20000)
	}
	// Rsample: d/dα E[z] = 1/β, d/dβ E[z] = -α/β², d/dα E[log z] = ψ₁(α).
	build := func(ps []ad.Var) Reparameterized { return Gamma{Concentration: ps[0], Rate: ps[1]} }
	const n = 100000
	for _, c := range [][2]float64{{0.4, 1.5}, {6, 2}} {
		a, b := c[0], c[1]
		g := pathwiseGrads(t, rng, n, []float64{a, b}, build, func(z ad.Var) ad.Var { return z })
		assertPathwise(t, 1/b, g[0], "d/dα E[z] at %v", c)
		assertPathwise(t, -a/(b*b), g[1], "d/dβ E[z] at %v", c)
		g = pathwiseGrads(t, rng, n, []float64{a, b}, build, ad.Log)
		assertPathwise(t, special.Trigamma(a), g[0], "d/dα E[log z] at %v", c)
	}
	// Small concentrations: no sample is 0.
	for _, a := range []float64{1e-3, 0.01} {
		for _, v := range Must(NewGamma(a, 1)).Sample(rng, 50000).Value() {
			require.Greater(t, v, 0.0, "Gamma(%v) sample", a)
		}
	}
}

func TestGammaValidate(t *testing.T) {
	_, err := NewGamma(0, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "concentration[0] = 0")
	_, err = NewGamma(1, math.Inf(1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rate[0] = +Inf")
	var pe *ParamError
	_, err = NewGamma(1, -2)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "rate", pe.Param)
	_, err = GammaOf(ad.Const(1, 2, []float64{1, 1}), ad.Const(1, 3, []float64{1, 1, 1}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
	_, err = GammaOf(ad.Const(1, 2, []float64{1, math.NaN()}), ad.Scalar(1))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 1, pe.Index)
}

func BenchmarkGammaLogProb(b *testing.B) {
	const n = 1000
	x := make([]float64, n)
	rng := newRNG(2)
	for i := range x {
		x[i] = logUniform(rng, 0.01, 100)
	}
	pa, pb := ad.NewParam("a", 1, 1, []float64{2.5}), ad.NewParam("b", 1, 1, []float64{0.7})
	xv := ad.Col(x)
	tp := ad.NewTape()
	b.ReportAllocs()
	for b.Loop() {
		tp.Reset()
		lp := Gamma{Concentration: tp.Param(pa), Rate: tp.Param(pb)}.LogProb(xv)
		tp.Backward(ad.Sum(lp))
	}
}
