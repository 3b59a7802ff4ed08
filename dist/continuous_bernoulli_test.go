package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// cbTorchLogPdf is torch's log-density log C(λ) + x log λ + (1-x)
// log(1-λ), C(λ) = 2 atanh(1-2λ)/(1-2λ), in float64; usable away from
// λ = ½.
func cbTorchLogPdf(x, lam float64) float64 {
	logC := math.Log(2 * math.Atanh(1-2*lam) / (1 - 2*lam))
	return logC + x*math.Log(lam) + (1-x)*math.Log1p(-lam)
}

func TestContinuousBernoulliAgainstMpmath(t *testing.T) {
	ref := loadUnitCircleRef(t)
	require.NotEmpty(t, ref.CB)
	for _, c := range ref.CB {
		d := cbFromRef(t, c.Kind, c.Value)
		msg := c.Kind + " %v"
		for _, xv := range []struct{ x, want float64 }{{0, c.Lp0}, {0.3, c.Lp03}, {1, c.Lp1}} {
			assert.InDelta(t, xv.want, logProbAt(d, xv.x), 1e-14*math.Max(1, math.Abs(xv.want)), msg+" log-density at %v", c.Value, xv.x)
		}
		assertRel(t, c.Mean, d.Mean().Scalar(), 1e-14, msg+" mean", c.Value)
		assertRel(t, c.Variance, d.Variance().Scalar(), 1e-14, msg+" variance", c.Value)
		// The entropy is about -η²/24 near λ = ½: relative accuracy there
		// too.
		assertRel(t, c.Entropy, d.Entropy().Scalar(), 1e-13, msg+" entropy", c.Value)
	}
}

func TestContinuousBernoulliLogProb(t *testing.T) {
	for _, lam := range []float64{0.02, 0.3, 0.45, 0.7, 0.995} {
		d := Must(NewContinuousBernoulli(lam))
		dl := Must(ContinuousBernoulliLogits(math.Log(lam / (1 - lam))))
		for _, x := range []float64{0, 0.1, 0.5, 0.77, 1} {
			want := cbTorchLogPdf(x, lam)
			assert.InDelta(t, want, logProbAt(d, x), 1e-13*math.Max(1, math.Abs(want)), "λ = %v at %v", lam, x)
			assert.InDelta(t, want, logProbAt(dl, x), 1e-13*math.Max(1, math.Abs(want)), "logits, λ = %v at %v", lam, x)
		}
		checkNormalized(t, d, 0, 1, 1e-13)
		assert.Equal(t, math.Inf(-1), logProbAt(d, -0.01))
		assert.Equal(t, math.Inf(-1), logProbAt(d, 1.5))
	}
	for _, eta := range []float64{0, 1e-9, -40, 700, -2000} {
		checkNormalized(t, Must(ContinuousBernoulliLogits(eta)), 0, 1, 1e-12, 1/(1+math.Abs(eta)), 1-1/(1+math.Abs(eta)))
	}
	assert.Equal(t, "unit_interval", ContinuousBernoulli{}.Support().String())
}

func TestContinuousBernoulliBatch(t *testing.T) {
	probs := ad.Const(2, 3, []float64{0.1, 0.5, 0.9, 0.3, 0.6, 0.99})
	d := Must(ContinuousBernoulliOf(probs))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{b, c})
	x := ad.Const(4, 3, []float64{0.5, 0.5, 0.5, 0, 1, 0.2, 0.9, 0.1, 0.3, 1, 0, 0.25})
	lp := d.LogProb(x).Value()
	require.Len(t, lp, 4)
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 3; j++ {
			lam := probs.At(i%2, j)
			if lam == 0.5 {
				continue // the uniform density
			}
			want += cbTorchLogPdf(x.At(i, j), lam)
		}
		assert.InDelta(t, want, lp[i], 1e-13*math.Abs(want), "row %d", i)
	}
	// Logits broadcast as a row against a column value.
	dl := Must(ContinuousBernoulliLogitsOf(ad.Row([]float64{-1, 0, 2})))
	xc := ad.Col([]float64{0.2, 0.8})
	got := dl.LogProb(xc).Value()
	require.Len(t, got, 2)
	for i, xi := range []float64{0.2, 0.8} {
		var want float64
		for _, eta := range []float64{-1, 0, 2} {
			want += logProbAt(Must(ContinuousBernoulliLogits(eta)), xi)
		}
		assert.InDelta(t, want, got[i], 1e-14, "column value row %d", i)
	}
	h := d.Entropy().Value()
	require.Len(t, h, 2)
	var want float64
	for j := 0; j < 3; j++ {
		want += Must(NewContinuousBernoulli(probs.At(1, j))).Entropy().Scalar()
	}
	assert.InDelta(t, want, h[1], 1e-14, "entropy sums columns")
	r, cc := d.CDF(x).Shape()
	assert.Equal(t, [2]int{4, 3}, [2]int{r, cc})
	r, cc = d.Mean().Shape()
	assert.Equal(t, [2]int{2, 3}, [2]int{r, cc})
}

func TestContinuousBernoulliMomentsAndCDF(t *testing.T) {
	for _, lam := range []float64{0.5, 0.5 + 1e-9, 0.2, 0.9, 0.999} {
		d := Must(NewContinuousBernoulli(lam))
		pdf := func(x float64) float64 { return math.Exp(logProbAt(d, x)) }
		m := integrate(func(x float64) float64 { return x * pdf(x) }, 0, 1)
		m2 := integrate(func(x float64) float64 { return x * x * pdf(x) }, 0, 1)
		h := integrate(func(x float64) float64 { return -pdf(x) * logProbAt(d, x) }, 0, 1)
		assert.InDelta(t, m, d.Mean().Scalar(), 1e-13, "mean λ = %v", lam)
		assert.InDelta(t, m2-m*m, d.Variance().Scalar(), 1e-13, "variance λ = %v", lam)
		assert.InDelta(t, h, d.Entropy().Scalar(), 1e-13, "entropy λ = %v", lam)
		for _, x := range []float64{0.01, 0.3, 0.5, 0.8, 0.999} {
			assert.InDelta(t, integrate(pdf, 0, x), d.CDF(ad.Scalar(x)).Scalar(), 1e-14, "CDF λ = %v at %v", lam, x)
		}
		assert.Equal(t, 0.0, d.CDF(ad.Scalar(0)).Scalar())
		assert.Equal(t, 1.0, d.CDF(ad.Scalar(1)).Scalar())
		assert.Equal(t, 0.0, d.CDF(ad.Scalar(-1)).Scalar())
	}
	// Large logits: the CDF neither overflows nor loses the tail.
	d := Must(ContinuousBernoulliLogits(800))
	// F(x) = e^{η(x-1)}(1 - e^{-ηx})/(1 - e^{-η}).
	assertRel(t, math.Exp(-80), d.CDF(ad.Scalar(0.9)).Scalar(), 1e-13, "CDF at η = 800")
	d = Must(ContinuousBernoulliLogits(-800))
	assertRel(t, -math.Expm1(-80), d.CDF(ad.Scalar(0.1)).Scalar(), 1e-15, "CDF at η = -800")
}

func TestContinuousBernoulliGradients(t *testing.T) {
	probs := func(ps []ad.Var) Distribution { return ContinuousBernoulli{Probs: ps[0]} }
	logits := func(ps []ad.Var) Distribution { return ContinuousBernoulli{Logits: ps[0]} }
	x := ad.Matrix{Rows: 2, Cols: 3, Data: []float64{0.1, 0.5, 0.9, 0.7, 0.2, 0.4}}
	checkLogProbGrad(t, probs, []ad.Matrix{row(0.2, 0.5, 0.93)}, x, nil)
	checkLogProbGrad(t, logits, []ad.Matrix{row(-3, 1e-4, 40)}, x, nil)
	checkLogProbGrad(t, probs, []ad.Matrix{col(0.3, 0.6)}, x, nil)
	for _, p := range []ad.Matrix{row(0.2, 0.5, 0.93), row(0.05, 0.4999, 0.7)} {
		checkCDFGrad(t, func(ps []ad.Var) Distribution { return ContinuousBernoulli{Probs: ps[0]} }, []ad.Matrix{p}, row(0.1, 0.45, 0.97), nil)
	}
	checkCDFGrad(t, func(ps []ad.Var) Distribution { return ContinuousBernoulli{Logits: ps[0]} }, []ad.Matrix{row(-30, 0, 2, 25)}, row(0.1, 0.45, 0.97, 0.6), nil)
	for _, build := range []func(v ad.Var) ContinuousBernoulli{
		func(v ad.Var) ContinuousBernoulli { return ContinuousBernoulli{Probs: v} },
		func(v ad.Var) ContinuousBernoulli { return ContinuousBernoulli{Logits: ad.Scale(ad.Shift(v, -0.5), 8)} },
	} {
		err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			d := build(v[0])
			return ad.Add(ad.SumCols(ad.Add(d.Mean(), d.Variance())), d.Entropy())
		}, []ad.Matrix{row(0.1, 0.5, 0.5001, 0.8)}, nil)
		assert.NoError(t, err, "mean, variance and entropy gradients")
	}
}

func TestContinuousBernoulliSampling(t *testing.T) {
	rng := newRNG(21)
	for _, d := range []ContinuousBernoulli{
		Must(NewContinuousBernoulli(0.5)), Must(NewContinuousBernoulli(0.2)),
		Must(NewContinuousBernoulli(0.97)), Must(ContinuousBernoulliLogits(60)),
		Must(ContinuousBernoulliLogits(-3)),
	} {
		checkMoments(t, d, rng, 200000, 5)
		checkKS(t, d, func(x float64) float64 { return d.CDF(ad.Scalar(x)).Scalar() }, rng, 20000)
	}
	// Layout: n*B x C, row k*B+b from batch row b.
	d := Must(ContinuousBernoulliLogitsOf(ad.Col([]float64{-500, 500})))
	z := d.Sample(rng, 3)
	require.Equal(t, 6, z.Rows())
	for i := 0; i < 6; i++ {
		if i%2 == 0 {
			assert.Less(t, z.At(i, 0), 0.05)
		} else {
			assert.Greater(t, z.At(i, 0), 0.95)
		}
	}
}

func TestContinuousBernoulliRsample(t *testing.T) {
	// Pathwise gradient of E[x²] = variance + mean² against central
	// differences of the closed forms (checked against mpmath above).
	rng := newRNG(4)
	ex2 := func(d ContinuousBernoulli) float64 {
		m := d.Mean().Scalar()
		return d.Variance().Scalar() + m*m
	}
	square := func(z ad.Var) ad.Var { return ad.Square(z) }
	for _, lam := range []float64{0.5, 0.3, 0.95} {
		mean, se := pathwiseGradMeans(t, rng, 200000, []float64{lam},
			func(ps []ad.Var) Reparameterized { return ContinuousBernoulli{Probs: ps[0]} }, square)
		h := 1e-5
		want := (ex2(Must(NewContinuousBernoulli(lam+h))) - ex2(Must(NewContinuousBernoulli(lam-h)))) / (2 * h)
		assertWithinSE(t, want, mean[0], se[0], 5, "d/dprobs E[x²] at %v", lam)
	}
	for _, eta := range []float64{0, -2, 30} {
		mean, se := pathwiseGradMeans(t, rng, 200000, []float64{eta},
			func(ps []ad.Var) Reparameterized { return ContinuousBernoulli{Logits: ps[0]} }, square)
		h := 1e-5 * math.Max(1, math.Abs(eta))
		want := (ex2(Must(ContinuousBernoulliLogits(eta+h))) - ex2(Must(ContinuousBernoulliLogits(eta-h)))) / (2 * h)
		assertWithinSE(t, want, mean[0], se[0], 5, "d/dlogits E[x²] at %v", eta)
	}
}

func TestContinuousBernoulliValidate(t *testing.T) {
	for _, p := range []float64{0, 1, -0.1, 1.5, math.NaN()} {
		_, err := NewContinuousBernoulli(p)
		require.Error(t, err, "probs %v", p)
		var pe *ParamError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "probs", pe.Param)
	}
	_, err := ContinuousBernoulliLogits(math.Inf(-1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "logits[0] = -Inf")
	err = ContinuousBernoulli{Probs: ad.Scalar(0.3), Logits: ad.Scalar(1)}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not both")
	err = ContinuousBernoulli{}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing")
}

func TestKLContinuousBernoulli(t *testing.T) {
	ref := loadUnitCircleRef(t)
	require.NotEmpty(t, ref.CBKL)
	for _, c := range ref.CBKL {
		p, q := cbFromRef(t, c.P[0], c.P[1]), cbFromRef(t, c.Q[0], c.Q[1])
		// Includes p ≈ q (relative perturbations of 1e-6, KL ~ 1e-12) and
		// λ ≈ ½.
		assertRel(t, c.KL, klScalar(t, p, q), 1e-12, "KL %v || %v", c.P, c.Q)
	}
	for _, c := range [][2]float64{{0.3, 0.6}, {0.5, 0.9}, {0.05, 0.999}, {0.51, 0.49}} {
		p, q := Must(NewContinuousBernoulli(c[0])), Must(NewContinuousBernoulli(c[1]))
		want := klQuad(p, q, 0, 1)
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
		assert.Equal(t, 0.0, klScalar(t, p, p), "KL(p||p)")
	}
	// Near p = q against the Fisher information in η: KL ≈ ½ Var(η) δη².
	for _, eta := range []float64{0, 0.7, -9, 150} {
		q := Must(ContinuousBernoulliLogits(eta))
		de := 1e-6 * math.Max(1, math.Abs(eta))
		p := Must(ContinuousBernoulliLogits(eta + de))
		assertRel(t, 0.5*q.Variance().Scalar()*de*de, klScalar(t, p, q), 3e-6, "KL near p=q at η = %v", eta)
	}
	rng := newRNG(13)
	for range 300 {
		p := Must(ContinuousBernoulliLogits(rng.NormFloat64() * 5))
		q := Must(NewContinuousBernoulli(rng.Float64()*0.98 + 0.01))
		assert.GreaterOrEqual(t, klScalar(t, p, q), 0.0)
		assert.GreaterOrEqual(t, klScalar(t, q, p), 0.0)
		assert.Equal(t, 0.0, klScalar(t, p, p))
	}
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return ContinuousBernoulli{Probs: v[0]}, ContinuousBernoulli{Probs: v[1]}
	}, []ad.Matrix{row(0.1, 0.5, 0.7, 0.4), row(0.3, 0.5001, 0.2, 0.45)}, nil)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return ContinuousBernoulli{Logits: v[0]}, ContinuousBernoulli{Probs: v[1]}
	}, []ad.Matrix{row(-3, 0, 5, 40), mat(0.6)}, nil)
	checkKLMonteCarlo(t, Must(NewContinuousBernoulli(0.2)), Must(ContinuousBernoulliLogits(1.5)), newRNG(3), 100000, 5)
}
