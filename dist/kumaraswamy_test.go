package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// kumaLogPdf is the Kumaraswamy log-density written out directly.
func kumaLogPdf(x, a, b float64) float64 {
	return math.Log(a*b) + (a-1)*math.Log(x) + (b-1)*math.Log1p(-math.Pow(x, a))
}

// kumaIntegrate returns ∫₀¹ g(x) p(x) dx for the Kumaraswamy density
// p by the tanh-sinh rule, which copes with the endpoint singularities of
// p for a < 1 or b < 1; near x = 1, 1 - x^a is formed from 1 - x.
func kumaIntegrate(a, b float64, g func(x, lp float64) float64) float64 {
	return tanhSinhEnds(func(x, _, db float64) float64 {
		la := a * math.Log(x) // log x^a, from whichever of x, 1 - x is exact
		if x > 0.5 {
			la = a * math.Log1p(-db)
		}
		omxa := -math.Expm1(la) // 1 - x^a
		lp := math.Log(a*b) + (a-1)*math.Log(x) + (b-1)*math.Log(omxa)
		return g(x, lp)
	}, 0, 1)
}

func TestKumaraswamyLogProb(t *testing.T) {
	for _, c := range [][2]float64{{1, 1}, {2, 3}, {0.5, 0.5}, {0.3, 4}, {5, 0.2}, {40, 2}} {
		d := Must(NewKumaraswamy(c[0], c[1]))
		for _, x := range []float64{1e-9, 0.01, 0.3, 0.5, 0.77, 0.99} {
			want := kumaLogPdf(x, c[0], c[1])
			assert.InDelta(t, want, logProbAt(d, x), 1e-13*math.Max(1, math.Abs(want)), "logpdf %v at %v", c, x)
		}
		z := kumaIntegrate(c[0], c[1], func(_, lp float64) float64 { return math.Exp(lp) })
		assert.InDelta(t, 1, z, 1e-12, "normalization %v", c)
		assert.Equal(t, math.Inf(-1), logProbAt(d, -0.1))
		assert.Equal(t, math.Inf(-1), logProbAt(d, 1.1))
	}
	checkNormalized(t, Must(NewKumaraswamy(2, 3)), 0, 1, 1e-13)
	// End points: Kumaraswamy(1, b) has density b at 0; (a, 1) has a at 1.
	assert.InDelta(t, math.Log(3), logProbAt(Must(NewKumaraswamy(1, 3)), 0), 1e-15)
	assert.InDelta(t, math.Log(2.5), logProbAt(Must(NewKumaraswamy(2.5, 1)), 1), 1e-15)
	assert.Equal(t, math.Inf(-1), logProbAt(Must(NewKumaraswamy(2, 3)), 0))
	assert.Equal(t, math.Inf(1), logProbAt(Must(NewKumaraswamy(0.5, 3)), 0))
	// Far into the right tail 1 - x^a is formed without cancellation.
	x := 1 - 1e-12
	dx := 1 - x // exact
	assertRel(t, math.Log(6)+math.Log(x)+2*math.Log(-math.Expm1(2*math.Log1p(-dx))), logProbAt(Must(NewKumaraswamy(2, 3)), x), 1e-12, "right tail")
}

func TestKumaraswamyBatch(t *testing.T) {
	a := ad.Const(2, 3, []float64{0.5, 1, 2, 3, 4, 5})
	b := ad.Const(2, 1, []float64{0.7, 2})
	d := Must(KumaraswamyOf(a, b))
	nb, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{nb, c})
	x := ad.Const(4, 3, []float64{0.5, 0.5, 0.5, 0.1, 0.2, 0.3, 0.9, 0.8, 0.7, 0.01, 0.5, 0.99})
	lp := d.LogProb(x).Value()
	require.Len(t, lp, 4)
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 3; j++ {
			want += kumaLogPdf(x.At(i, j), a.At(i%2, j), b.At(i%2, 0))
		}
		assert.InDelta(t, want, lp[i], 1e-13*math.Max(1, math.Abs(want)), "row %d", i)
	}
	h := d.Entropy().Value()
	require.Len(t, h, 2)
	var want float64
	for j := 0; j < 3; j++ {
		want += Must(NewKumaraswamy(a.At(1, j), 2)).Entropy().Scalar()
	}
	assert.InDelta(t, want, h[1], 1e-14, "entropy sums columns")
	r, cc := d.CDF(x).Shape()
	assert.Equal(t, [2]int{4, 3}, [2]int{r, cc})
	assert.InDelta(t, Must(NewKumaraswamy(5, 2)).Variance().Scalar(), d.Variance().At(1, 2), 1e-16)
}

func TestKumaraswamyMoments(t *testing.T) {
	ref := loadUnitCircleRef(t)
	require.NotEmpty(t, ref.Kumaraswamy)
	for _, c := range ref.Kumaraswamy {
		d := Must(NewKumaraswamy(c.A, c.B))
		assertRel(t, c.Mean, d.Mean().Scalar(), 1e-13, "mean %v %v", c.A, c.B)
		// At a = 0.001 the exponent log m₂ - 2 log m₁ is formed from
		// log-gammas near 1e4, which costs a few 1e-13.
		assertRel(t, c.Variance, d.Variance().Scalar(), 2e-12, "variance %v %v", c.A, c.B)
		assert.InDelta(t, c.Entropy, d.Entropy().Scalar(), 1e-13*math.Max(1, math.Abs(c.Entropy)), "entropy %v %v", c.A, c.B)
	}
	// Against integration of the density.
	for _, c := range [][2]float64{{2, 3}, {0.5, 0.5}, {0.3, 4}, {5, 0.2}} {
		d := Must(NewKumaraswamy(c[0], c[1]))
		m := kumaIntegrate(c[0], c[1], func(x, lp float64) float64 { return x * math.Exp(lp) })
		m2 := kumaIntegrate(c[0], c[1], func(x, lp float64) float64 { return x * x * math.Exp(lp) })
		h := kumaIntegrate(c[0], c[1], func(_, lp float64) float64 { return -lp * math.Exp(lp) })
		assert.InDelta(t, m, d.Mean().Scalar(), 1e-12, "mean %v", c)
		assert.InDelta(t, m2-m*m, d.Variance().Scalar(), 1e-12, "variance %v", c)
		assert.InDelta(t, h, d.Entropy().Scalar(), 1e-11, "entropy %v", c)
	}
}

func TestKumaraswamyCDF(t *testing.T) {
	for _, c := range [][2]float64{{2, 3}, {0.5, 0.5}, {7, 0.3}} {
		d := Must(NewKumaraswamy(c[0], c[1]))
		for _, x := range []float64{0.01, 0.2, 0.5, 0.9, 0.999} {
			want := 1 - math.Pow(1-math.Pow(x, c[0]), c[1])
			assert.InDelta(t, want, d.CDF(ad.Scalar(x)).Scalar(), 1e-14, "CDF %v at %v", c, x)
			q := tanhSinhEnds(func(y, _, _ float64) float64 { return math.Exp(kumaLogPdf(y, c[0], c[1])) }, 0, x)
			assert.InDelta(t, q, d.CDF(ad.Scalar(x)).Scalar(), 1e-12, "CDF %v at %v by quadrature", c, x)
		}
		assert.Equal(t, 0.0, d.CDF(ad.Scalar(0)).Scalar())
		assert.Equal(t, 1.0, d.CDF(ad.Scalar(1)).Scalar())
	}
	// Left tail: F(x) = 1 - (1 - x^a)^b ≈ b x^a keeps relative accuracy.
	assertRel(t, 3e-20, Must(NewKumaraswamy(2, 3)).CDF(ad.Scalar(1e-10)).Scalar(), 1e-12, "left tail")
}

func TestKumaraswamyGradients(t *testing.T) {
	build := func(ps []ad.Var) Distribution { return Kumaraswamy{Concentration1: ps[0], Concentration0: ps[1]} }
	x := ad.Matrix{Rows: 2, Cols: 3, Data: []float64{0.1, 0.5, 0.9, 0.7, 0.2, 0.4}}
	checkLogProbGrad(t, build, []ad.Matrix{row(0.5, 2, 7), row(0.3, 1, 3)}, x, nil)
	checkLogProbGrad(t, build, []ad.Matrix{mat(1.5), col(0.8, 4)}, x, nil)
	checkCDFGrad(t, build, []ad.Matrix{row(0.5, 2, 7), row(0.3, 1, 3)}, row(0.05, 0.5, 0.93), nil)
	checkMomentsGrad(t, build, []ad.Matrix{row(0.4, 0.6, 2, 30, 4000), row(0.3, 5, 1, 2, 0.7)})
}

func TestKumaraswamySampling(t *testing.T) {
	rng := newRNG(31)
	for _, c := range [][2]float64{{2, 3}, {0.5, 0.5}, {0.2, 6}, {30, 0.3}} {
		d := Must(NewKumaraswamy(c[0], c[1]))
		checkMoments(t, d, rng, 200000, 5)
		checkKS(t, d, func(x float64) float64 { return 1 - math.Pow(1-math.Pow(x, c[0]), c[1]) }, rng, 20000)
	}
	// Rsample: pathwise gradient of E[X] = mean against central differences
	// of the mean (checked against mpmath above).
	for _, c := range [][2]float64{{2, 3}, {0.5, 0.5}, {6, 0.4}} {
		mean, se := pathwiseGradMeans(t, rng, 200000, []float64{c[0], c[1]},
			func(ps []ad.Var) Reparameterized {
				return Kumaraswamy{Concentration1: ps[0], Concentration0: ps[1]}
			}, func(z ad.Var) ad.Var { return z })
		m := func(a, b float64) float64 { return Must(NewKumaraswamy(a, b)).Mean().Scalar() }
		ha, hb := 1e-5*c[0], 1e-5*c[1]
		assertWithinSE(t, (m(c[0]+ha, c[1])-m(c[0]-ha, c[1]))/(2*ha), mean[0], se[0], 5, "d/da E[X] %v", c)
		assertWithinSE(t, (m(c[0], c[1]+hb)-m(c[0], c[1]-hb))/(2*hb), mean[1], se[1], 5, "d/db E[X] %v", c)
	}
	z := Must(KumaraswamyOf(ad.Col([]float64{1e3, 1e-3}), ad.Scalar(1))).Sample(rng, 4)
	require.Equal(t, 8, z.Rows())
	for i := 0; i < 8; i++ {
		v := z.At(i, 0)
		assert.True(t, v >= 0 && v <= 1)
		if i%2 == 0 {
			assert.Greater(t, v, 0.9) // a = 1000 piles up at 1
		}
	}
}

func TestKumaraswamyValidate(t *testing.T) {
	_, err := NewKumaraswamy(0, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "concentration1[0] = 0")
	_, err = NewKumaraswamy(1, math.Inf(1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "concentration0[0] = +Inf")
	var pe *ParamError
	_, err = KumaraswamyOf(ad.Row([]float64{1, 2}), ad.Row([]float64{1, -2}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "concentration0", pe.Param)
	assert.Equal(t, 1, pe.Index)
}
