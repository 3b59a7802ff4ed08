package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func TestVonMisesLogProb(t *testing.T) {
	for _, c := range [][2]float64{{0, 1}, {1.2, 0.05}, {-2.5, 7}, {3, 60}, {0.3, 2500}, {10, 3}} {
		d := Must(NewVonMises(c[0], c[1]))
		ref := vonMisesLogPdf(c[0], c[1])
		for _, x := range []float64{-math.Pi, -2, -0.4, 0, 0.31, 1.5, 3} {
			want := ref(x)
			assert.InDelta(t, want, logProbAt(d, x), 1e-12*math.Max(1, math.Abs(want)), "logpdf %v at %v", c, x)
		}
		checkNormalized(t, d, -math.Pi, math.Pi, 1e-12, circularBreaks(c[0], c[1])...)
		assert.Equal(t, math.Inf(-1), logProbAt(d, 3.2), "outside the support")
		assert.Equal(t, math.Inf(-1), logProbAt(d, -4), "outside the support")
	}
	assert.Equal(t, "interval(-3.141592653589793, 3.141592653589793)", VonMises{}.Support().String())
	require.NoError(t, VonMises{}.Support().Check(ad.Row([]float64{-math.Pi, 0, 3})))
	require.Error(t, VonMises{}.Support().Check(ad.Scalar(3.5)))
}

func TestVonMisesBatch(t *testing.T) {
	loc := ad.Const(2, 3, []float64{0, 1, 2, -1, -2, -3})
	k := ad.Const(1, 3, []float64{0.5, 4, 40})
	d := Must(VonMisesOf(loc, k))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{b, c})
	x := ad.Const(4, 3, []float64{0.5, 0.5, 0.5, 1, 1, 1, 2, 2, 2, -1, 0, 1})
	lp := d.LogProb(x).Value()
	require.Len(t, lp, 4)
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 3; j++ {
			want += vonMisesLogPdf(loc.At(i%2, j), k.At(0, j))(x.At(i, j))
		}
		assert.InDelta(t, want, lp[i], 1e-12*math.Abs(want), "row %d", i)
	}
	h := d.Entropy().Value()
	require.Len(t, h, 2)
	assert.Equal(t, h[0], h[1], "entropy does not depend on loc")
	var want float64
	for j := 0; j < 3; j++ {
		want += Must(NewVonMises(0, k.At(0, j))).Entropy().Scalar()
	}
	assert.InDelta(t, want, h[0], 1e-13, "entropy sums columns")
	m, v := d.Mean(), d.Variance()
	r, cc := m.Shape()
	assert.Equal(t, [2]int{2, 3}, [2]int{r, cc})
	assert.Equal(t, -3.0, m.At(1, 2))
	r, cc = v.Shape()
	assert.Equal(t, [2]int{2, 3}, [2]int{r, cc})
	assert.Equal(t, v.At(0, 1), v.At(1, 1))
	cdf := d.CDF(x)
	r, cc = cdf.Shape()
	assert.Equal(t, [2]int{4, 3}, [2]int{r, cc})
	assert.InDelta(t, Must(NewVonMises(-1, 0.5)).CDF(ad.Scalar(-1)).Scalar(), cdf.At(3, 0), 1e-15, "tiled CDF row")
}

func TestVonMisesMomentsByQuadrature(t *testing.T) {
	for _, c := range [][2]float64{{0.4, 1e-3}, {0.4, 0.7}, {-2, 5}, {3, 19.5}, {1, 20.5}, {-1, 300}} {
		d := Must(NewVonMises(c[0], c[1]))
		br := circularBreaks(c[0], c[1])
		ref := vonMisesLogPdf(c[0], c[1])
		pdf := func(x float64) float64 { return math.Exp(ref(x)) }
		es := integrate(func(x float64) float64 { return pdf(x) * math.Sin(x) }, -math.Pi, math.Pi, br...)
		ec := integrate(func(x float64) float64 { return pdf(x) * math.Cos(x) }, -math.Pi, math.Pi, br...)
		// Circular mean atan2(E sin, E cos) is loc; circular variance is
		// 1 - |E e^{ix}|.
		assert.InDelta(t, math.Remainder(c[0], 2*math.Pi), math.Atan2(es, ec), 1e-9, "circular mean %v", c)
		assert.InDelta(t, 1-math.Hypot(es, ec), d.Variance().Scalar(), 1e-12, "circular variance %v", c)
		h := integrate(func(x float64) float64 {
			lp := ref(x)
			return -math.Exp(lp) * lp
		}, -math.Pi, math.Pi, br...)
		assert.InDelta(t, h, d.Entropy().Scalar(), 1e-11*math.Max(1, math.Abs(h)), "entropy %v", c)
		assert.Equal(t, c[0], d.Mean().Scalar())
	}
}

func TestVonMisesCDF(t *testing.T) {
	for _, c := range [][2]float64{{0, 1}, {2.5, 0.3}, {-3, 8}, {7, 2}, {0.5, 45}, {-0.2, 900}} {
		d := Must(NewVonMises(c[0], c[1]))
		br := circularBreaks(c[0], c[1])
		ref := vonMisesLogPdf(c[0], c[1])
		pdf := func(x float64) float64 { return math.Exp(ref(x)) }
		for _, x := range []float64{-3, -1.1, -0.25, 0.4, 0.55, 2, 3.1} {
			want := integrate(pdf, -math.Pi, x, br...)
			assert.InDelta(t, want, d.CDF(ad.Scalar(x)).Scalar(), 1e-12, "CDF %v at %v", c, x)
		}
		assert.InDelta(t, 0, d.CDF(ad.Scalar(-math.Pi)).Scalar(), 1e-15)
		assert.InDelta(t, 1, d.CDF(ad.Scalar(math.Pi)).Scalar(), 1e-15)
		assert.Equal(t, 0.0, d.CDF(ad.Scalar(-4)).Scalar())
		assert.Equal(t, 1.0, d.CDF(ad.Scalar(4)).Scalar())
	}
}

func TestVonMisesGradients(t *testing.T) {
	build := func(ps []ad.Var) Distribution { return VonMises{Loc: ps[0], Concentration: ps[1]} }
	checkLogProbGrad(t, build, []ad.Matrix{row(0.3, -1), row(0.7, 25)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, -0.5, 0}}, nil)
	checkLogProbGrad(t, build, []ad.Matrix{mat(0.2), col(0.5, 3, 300)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, -0.5, 0, 0.25, 0.1}}, nil)
	// CDF: both methods (series for k <= 30, quadrature above), loc near
	// the ends of the circle.
	for _, k := range []float64{0.4, 6, 29, 35, 400} {
		err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			return VonMises{Loc: v[1], Concentration: v[2]}.CDF(v[0])
		}, []ad.Matrix{row(-2, -0.1, 0.05, 1.3), row(0.1, 3.0, -0.02, 1.25), mat(k)}, nil)
		assert.NoError(t, err, "CDF gradient at k = %v", k)
	}
	// Variance and entropy.
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		d := VonMises{Loc: v[0], Concentration: v[1]}
		return ad.Add(ad.SumCols(d.Variance()), d.Entropy())
	}, []ad.Matrix{row(0.1, 0.2, 0.3), row(0.01, 3, 150)}, nil)
	assert.NoError(t, err, "variance and entropy gradients")
}

func TestVonMisesSampling(t *testing.T) {
	rng := newRNG(11)
	for _, c := range [][2]float64{{0.5, 1e-6}, {-3, 0.5}, {3, 4}, {1, 100}, {0.2, 1e6}} {
		d := Must(NewVonMises(c[0], c[1]))
		const n = 100000
		xs := d.Sample(rng, n).Value()
		require.Len(t, xs, n)
		cs := make([]float64, n)
		ss := make([]float64, n)
		for i, x := range xs {
			require.True(t, x >= -math.Pi && x < math.Pi, "draw %v in [-π, π)", x)
			cs[i] = math.Cos(x - c[0])
			ss[i] = math.Sin(x - c[0])
		}
		// E cos(x - loc) = A(k) = 1 - Variance, E sin(x - loc) = 0.
		m, se := meanSE(cs)
		assertWithinSE(t, 1-d.Variance().Scalar(), m, se, 5, "E cos %v", c)
		m, se = meanSE(ss)
		assertWithinSE(t, 0, m, se, 5, "E sin %v", c)
		assert.Less(t, ksStatistic(xs[:20000], func(x float64) float64 { return d.CDF(ad.Scalar(x)).Scalar() }), 1.95/math.Sqrt(20000), "KS %v", c)
	}
	// Layout: row k*B+b from batch row b.
	d := Must(VonMisesOf(ad.Col([]float64{-2, 2}), ad.Scalar(1e4)))
	z := d.Sample(rng, 3)
	require.Equal(t, 6, z.Rows())
	for i := 0; i < 6; i++ {
		assert.InDelta(t, []float64{-2, 2}[i%2], z.At(i, 0), 0.1, "row %d", i)
	}
}

func TestVonMisesRsample(t *testing.T) {
	// Pathwise gradients of E cos(z - m0) = A(k) cos(loc - m0):
	// d/dloc = -A(k) sin(loc - m0), d/dk = A'(k) cos(loc - m0). Wrapping
	// does not matter for a 2π-periodic function.
	const m0 = 0.3
	rng := newRNG(5)
	for _, c := range [][2]float64{{1.1, 0.2}, {-2, 3}, {2.8, 29}, {0.7, 60}, {0.5, 5000}} {
		mean, se := pathwiseGradMeans(t, rng, 100000, []float64{c[0], c[1]},
			func(ps []ad.Var) Reparameterized { return VonMises{Loc: ps[0], Concentration: ps[1]} },
			func(z ad.Var) ad.Var {
				return ad.Custom(z.Rows(), 1, cosShift(z.Value(), m0), func(g []float64, in ad.Adjoints) {
					dz := in.Of(0)
					if dz == nil {
						return
					}
					for i, v := range z.Value() {
						dz[i] -= g[i] * math.Sin(v-m0)
					}
				}, z)
			})
		a := 1 - Must(NewVonMises(0, c[1])).Variance().Scalar()
		h := 1e-4 * c[1]
		da := ((1 - Must(NewVonMises(0, c[1]+h)).Variance().Scalar()) - (1 - Must(NewVonMises(0, c[1]-h)).Variance().Scalar())) / (2 * h)
		assertWithinSE(t, -a*math.Sin(c[0]-m0), mean[0], se[0], 5, "d/dloc %v", c)
		assertWithinSE(t, da*math.Cos(c[0]-m0), mean[1], se[1], 5, "d/dk %v", c)
		assert.Greater(t, se[1], 0.0)
	}
}

func cosShift(z []float64, m0 float64) []float64 {
	out := make([]float64, len(z))
	for i, v := range z {
		out[i] = math.Cos(v - m0)
	}
	return out
}

func TestVonMisesValidate(t *testing.T) {
	_, err := NewVonMises(0, -1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "concentration[0] = -1")
	_, err = NewVonMises(0, 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "concentration[0] = 0")
	_, err = NewVonMises(math.Inf(1), 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loc[0] = +Inf")
	var pe *ParamError
	_, err = VonMisesOf(ad.Row([]float64{0, 1}), ad.Row([]float64{1, math.NaN()}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "concentration", pe.Param)
	assert.Equal(t, 1, pe.Index)
	_, err = VonMisesOf(ad.Row([]float64{0, 1}), ad.Row([]float64{1, 1, 1}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
}

func TestKLVonMises(t *testing.T) {
	ref := loadUnitCircleRef(t)
	require.NotEmpty(t, ref.VonMisesKL)
	for _, c := range ref.VonMisesKL {
		p, q := Must(NewVonMises(c.P[0], c.P[1])), Must(NewVonMises(c.Q[0], c.Q[1]))
		got := klScalar(t, p, q)
		// Near p = q (KL ~ 1e-12) as on ordinary parameters: mpmath
		// reference at 60 digits.
		assertRel(t, c.KL, got, 1e-12, "KL %v || %v", c.P, c.Q)
	}
	// Against quadrature of p log(p/q) with the independent log-density.
	for _, c := range [][4]float64{{0, 1, 0, 2}, {0.3, 0.5, -1, 3}, {2, 10, -2.5, 0.1}, {-3, 25, 3, 40}, {1, 4, 1.2, 4.5}} {
		p, q := Must(NewVonMises(c[0], c[1])), Must(NewVonMises(c[2], c[3]))
		lpp, lpq := vonMisesLogPdf(c[0], c[1]), vonMisesLogPdf(c[2], c[3])
		want := integrate(func(x float64) float64 {
			lp := lpp(x)
			return math.Exp(lp) * (lp - lpq(x))
		}, -math.Pi, math.Pi, circularBreaks(c[0], c[1])...)
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
		assert.InDelta(t, klQuad(p, q, -math.Pi, math.Pi, circularBreaks(c[0], c[1])...), klScalar(t, p, q), 1e-9*math.Max(1, want), "klQuad %v", c)
	}
	// Near p = q, against the Fisher information: I_kk = A'(k),
	// I_mm = k A(k), so KL ≈ ½(A'(k) δk² + k A(k) δm²), relative error O(δ).
	for _, k := range []float64{0.2, 3, 80, 3e4} {
		q := Must(NewVonMises(0.4, k))
		dk := 1e-6 * k
		p := Must(NewVonMises(0.4, k+dk))
		da := -(Must(NewVonMises(0, k+1e-3*k)).Variance().Scalar() - Must(NewVonMises(0, k-1e-3*k)).Variance().Scalar()) / (2e-3 * k)
		assertRel(t, 0.5*da*dk*dk, klScalar(t, p, q), 5e-6, "KL near p=q (k = %v)", k)
		dm := 1e-6
		p = Must(NewVonMises(0.4+dm, k))
		a := 1 - q.Variance().Scalar()
		assertRel(t, 0.5*k*a*dm*dm, klScalar(t, p, q), 1e-6, "KL near p=q (loc, k = %v)", k)
		assert.Equal(t, 0.0, klScalar(t, q, q), "KL(p||p)")
	}
	rng := newRNG(9)
	for range 300 {
		p := Must(NewVonMises(rng.NormFloat64()*3, math.Exp(3*rng.NormFloat64())))
		q := Must(NewVonMises(rng.NormFloat64()*3, math.Exp(3*rng.NormFloat64())))
		assert.GreaterOrEqual(t, klScalar(t, p, q), 0.0)
		assert.Equal(t, 0.0, klScalar(t, p, p))
	}
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return VonMises{Loc: v[0], Concentration: v[1]}, VonMises{Loc: v[2], Concentration: v[3]}
	}, []ad.Matrix{row(0.1, -0.4, 3), row(0.8, 19, 30), mat(0.5), row(1.2, 25, 200)}, nil)
	checkKLMonteCarlo(t, Must(NewVonMises(0, 2)), Must(NewVonMises(1, 0.5)), newRNG(3), 100000, 5)
}
