package reparam

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func TestContinuousBernoulliQuantile(t *testing.T) {
	// F(x) = expm1(ηx)/expm1(η) at the quantile returns u (to the
	// conditioning of F), and ∂x/∂η matches central differences of the
	// quantile at fixed u.
	cdf := func(x, eta float64) float64 {
		if eta == 0 {
			return x
		}
		if eta > 0 {
			return math.Exp(eta*(x-1)) * math.Expm1(-eta*x) / math.Expm1(-eta)
		}
		return math.Expm1(eta*x) / math.Expm1(eta)
	}
	for _, eta := range []float64{0, 1e-300, 1e-9, -0.5, 3, -40, 699, 701, -1e4} {
		for _, u := range []float64{1e-12, 0.01, 0.3, 0.5, 0.77, 0.999999} {
			x := continuousBernoulliQuantile(u, eta)
			require.True(t, x >= 0 && x <= 1, "x = %v", x)
			assert.InDelta(t, u, cdf(x, eta), 4e-16*math.Max(1, math.Abs(eta)), "F(F⁻¹(%v)) at η = %v", u, eta)
			if math.Abs(eta) > 100 {
				continue // the quantile is flat to rounding in η there
			}
			h := 1e-5 * math.Max(1, math.Abs(eta))
			num := (continuousBernoulliQuantile(u, eta+h) - continuousBernoulliQuantile(u, eta-h)) / (2 * h)
			// The difference quotient itself carries a rounding error of
			// about 1e-16/h.
			assert.InDelta(t, num, continuousBernoulliQuantileDeriv(x, eta), 1e-8*math.Max(1e-3, math.Abs(num))+1e-15/h, "∂x/∂η at u = %v, η = %v", u, eta)
		}
	}
	// η = 0: ∂x/∂η = x(1-x)/2 exactly.
	assert.InDelta(t, 0.3*0.7/2, continuousBernoulliQuantileDeriv(0.3, 0), 1e-16)
	// The logit keeps relative accuracy next to ½.
	assert.InEpsilon(t, 4e-12, icdfLogit(0.5+1e-12), 1e-3)
	assert.InEpsilon(t, math.Log(0.1/0.9), icdfLogit(0.1), 1e-15)
}

func TestContinuousBernoulliSamplers(t *testing.T) {
	rng := newRNGMisc(7)
	tp := ad.NewTape()
	pp := ad.NewParam("probs", 2, 1, []float64{0.2, 0.5000001})
	lp := ad.NewParam("logits", 1, 3, []float64{-2, 0, 30})
	zp := ContinuousBernoulliProbs(rng, tp.Param(pp), 3)
	zl := ContinuousBernoulliLogits(rng, tp.Param(lp), 4)
	r, c := zp.Shape()
	require.Equal(t, [2]int{6, 1}, [2]int{r, c})
	r, c = zl.Shape()
	require.Equal(t, [2]int{4, 3}, [2]int{r, c})
	for _, v := range append(zp.Value(), zl.Value()...) {
		assert.True(t, v > 0 && v < 1)
	}
	// The fused partials for probs are ∂x/∂η / (λ(1-λ)): compare with
	// central differences of the quantile in λ at the same noise.
	for i := 0; i < 6; i++ {
		lam := pp.Val[i%2]
		x := zp.At(i, 0)
		u := math.Expm1(icdfLogit(lam)*x) / math.Expm1(icdfLogit(lam))
		pp.ZeroGrad()
		g := tp.Gradient(ad.SliceRows(zp, i, i+1), tp.Param(pp))[0][i%2]
		h := 1e-6
		num := (continuousBernoulliQuantile(u, icdfLogit(lam+h)) - continuousBernoulliQuantile(u, icdfLogit(lam-h))) / (2 * h)
		assert.InDelta(t, num, g, 1e-6*math.Max(1e-3, math.Abs(num)), "∂x/∂λ row %d", i)
	}
	// Free constants give a free constant.
	assert.True(t, ContinuousBernoulliLogits(rng, ad.Scalar(1), 5).IsConst())
	for range 10000 {
		u := icdfUniform(rng)
		require.True(t, u > 0 && u < 1)
	}
}

func TestKumaraswamySampler(t *testing.T) {
	quantile := func(u, a, b float64) float64 {
		return math.Exp(math.Log(-math.Expm1(math.Log1p(-u)/b)) / a)
	}
	rng := newRNGMisc(8)
	for _, ab := range [][2]float64{{2, 3}, {0.1, 0.2}, {40, 0.5}, {0.5, 300}} {
		tp := ad.NewTape()
		ap := ad.NewParam("a", 1, 1, []float64{ab[0]})
		bp := ad.NewParam("b", 1, 1, []float64{ab[1]})
		av, bv := tp.Param(ap), tp.Param(bp)
		z := Kumaraswamy(rng, av, bv, 6)
		require.Equal(t, 6, z.Rows())
		for i := 0; i < 6; i++ {
			x := z.At(i, 0)
			require.True(t, x >= 0 && x <= 1)
			// Recover u from the distribution function 1 - (1 - x^a)^b.
			y := ab[0] * math.Log(x)
			l1m := math.Log1p(-math.Exp(y)) // log(1 - x^a), y < -log 2
			if y > -math.Ln2 {
				l1m = math.Log(-math.Expm1(y))
			}
			u := -math.Expm1(ab[1] * l1m)
			// x = F⁻¹(u) amplifies relative errors by up to 1/a.
			assert.InDelta(t, x, quantile(u, ab[0], ab[1]), 1e-13*math.Max(1, 1/ab[0])*x+1e-300, "round trip")
			ap.ZeroGrad()
			bp.ZeroGrad()
			g := tp.Gradient(ad.SliceRows(z, i, i+1), av, bv)
			ha, hb := 1e-6*ab[0], 1e-6*ab[1]
			na := (quantile(u, ab[0]+ha, ab[1]) - quantile(u, ab[0]-ha, ab[1])) / (2 * ha)
			nb := (quantile(u, ab[0], ab[1]+hb) - quantile(u, ab[0], ab[1]-hb)) / (2 * hb)
			assert.InDelta(t, na, g[0][0], 1e-6*math.Abs(na)+1e-300, "∂x/∂a %v", ab)
			assert.InDelta(t, nb, g[1][0], 1e-6*math.Abs(nb)+1e-300, "∂x/∂b %v", ab)
		}
	}
}
