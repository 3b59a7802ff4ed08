package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func binDiscrete(n, v float64, logits bool) Binomial {
	if logits {
		return Must(BinomialLogits(n, v))
	}
	return Must(NewBinomial(n, v))
}

func TestKLBinomialBinomial(t *testing.T) {
	// [np, a, nq, b]: equal counts (closed form) and np < nq (finite sum).
	cases := [][4]float64{
		{10, 0.3, 10, 0.6}, {40, 0.02, 40, 0.5}, {7, 0.95, 7, 0.9},
		{12, 0.35, 15, 0.5}, {99, 0.5, 100, 0.5}, {1, 0.2, 30, 0.05}, {5, 0.7, 60, 0.08}, {200, 0.4, 230, 0.41},
	}
	for _, c := range cases {
		eachForm(c[1], c[3], logitDiscrete, func(a, b float64, lp, lq bool) {
			want, _ := klBigDiscrete(binomialPMFBigDiscrete(int(c[0]), a, lp), binomialPMFBigDiscrete(int(c[2]), b, lq))
			got := klScalar(t, binDiscrete(c[0], a, lp), binDiscrete(c[2], b, lq))
			assertRel(t, want, got, 1e-12, "KL(Bin%v || Bin%v) logits %v %v", c[:2], c[2:], lp, lq)
		})
	}
	// np > nq: +Inf, except for the point mass at 0 (a = 0).
	assert.True(t, math.IsInf(klScalar(t, binDiscrete(5, 0.3, false), binDiscrete(4, 0.3, false)), 1))
	assertRel(t, -4*math.Log1p(-0.3), klScalar(t, binDiscrete(5, 0, false), binDiscrete(4, 0.3, false)), 1e-15, "δ0 against a smaller count")
	// Degenerate probabilities with np < nq.
	for _, c := range [][4]float64{{6, 0, 9, 0.4}, {6, 1, 9, 0.4}, {6, 0, 9, 0}} {
		want, _ := klBigDiscrete(binomialPMFBigDiscrete(int(c[0]), c[1], false), binomialPMFBigDiscrete(int(c[2]), c[3], false))
		assert.InDelta(t, want, klScalar(t, binDiscrete(c[0], c[1], false), binDiscrete(c[2], c[3], false)), 1e-14, "%v", c)
	}
	assert.True(t, math.IsInf(klScalar(t, binDiscrete(6, 0.2, false), binDiscrete(9, 0, false)), 1))
	assert.True(t, math.IsInf(klScalar(t, binDiscrete(6, 0.2, false), binDiscrete(9, 1, false)), 1))
	assert.True(t, math.IsInf(klScalar(t, binDiscrete(6, 1, false), binDiscrete(9, 1, false)), 1))
	assert.Equal(t, 0.0, klScalar(t, binDiscrete(0, 0.3, false), binDiscrete(0, 0.9, false)))

	// Near p = q: the Fisher quadratic n δ²/(2p(1-p)) and 256-bit sums.
	for _, p := range []float64{0.01, 0.4, 0.9} {
		a := p * (1 + 1e-6)
		fisher := 25 * 0.5 * (a - p) * (a - p) / (p * (1 - p))
		for _, lg := range []bool{false, true} {
			av, pv := a, p
			if lg {
				av, pv = logitDiscrete(a), logitDiscrete(p)
			}
			want, _ := klBigDiscrete(binomialPMFBigDiscrete(25, av, lg), binomialPMFBigDiscrete(25, pv, lg))
			got := klScalar(t, binDiscrete(25, av, lg), binDiscrete(25, pv, lg))
			assertRel(t, want, got, 1e-12, "near p=q at %v (logits %v)", p, lg)
			assertRel(t, fisher, got, 2*(a-p)/math.Min(p, 1-p), "Fisher quadratic at %v", p)
		}
	}
	refs := loadRefsDiscrete(t)
	for _, name := range []string{"binomial_same_near", "binomial_smaller_n", "binomial_smaller_n_same_p"} {
		r := refs[name]
		require.NotEmpty(t, r.Name, name)
		got := klScalar(t, binDiscrete(r.P[0], r.P[1], false), binDiscrete(r.Q[0], r.Q[1], false))
		assertRel(t, r.Value, got, 1e-12, "mpmath %s", name)
	}

	rng := rngDiscrete(301)
	for range 300 {
		np := float64(rng.IntN(30))
		p := binDiscrete(np, rng.Float64(), false)
		q := binDiscrete(np+float64(rng.IntN(3)), rng.NormFloat64()*2, true)
		assert.GreaterOrEqual(t, klScalar(t, p, q), 0.0)
		assert.Equal(t, 0.0, klScalar(t, p, p))
		assert.Equal(t, 0.0, klScalar(t, q, q))
	}
	// Gradients with respect to both probability parameters (the integer
	// counts are constants): equal counts and np < nq, every form.
	for _, counts := range [][2]float64{{6, 6}, {6, 9}} {
		np, nq := ad.Scalar(counts[0]), ad.Row([]float64{counts[1], counts[1] + 4})
		eachFormOf(row(0.2, 0.7), row(-1.2, 0.4), col(0.6, 0.35), col(0.3, -0.8), func(pin, qin ad.Matrix, lp, lq bool) {
			in := []ad.Matrix{pin, qin}
			checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
				p := Binomial{TotalCount: np, Probs: v[0]}
				if lp {
					p = Binomial{TotalCount: np, Logits: v[0]}
				}
				q := Binomial{TotalCount: nq, Probs: v[1]}
				if lq {
					q = Binomial{TotalCount: nq, Logits: v[1]}
				}
				return p, q
			}, in, nil)
		})
	}
	checkKLMonteCarlo(t, binDiscrete(8, 0.3, false), binDiscrete(11, 0.4, false), rngDiscrete(302), 100000, 5)
}

func TestKLBernoulliBinomialPairs(t *testing.T) {
	for _, c := range [][2]float64{{0.3, 0.1}, {0.8, 0.5}, {1e-4, 1e-5}} {
		for _, n := range []int{1, 2, 7} {
			for _, lg := range []bool{false, true} {
				a, b := c[0], c[1]
				if lg {
					a, b = logitDiscrete(a), logitDiscrete(b)
				}
				want, _ := klBigDiscrete(binomialPMFBigDiscrete(1, a, lg), binomialPMFBigDiscrete(n, b, lg))
				assertRel(t, want, klScalar(t, bernDiscrete(a, lg), binDiscrete(float64(n), b, lg)), 1e-12, "KL(Bern %v || Bin(%d, %v))", c[0], n, c[1])
				got := klScalar(t, binDiscrete(float64(n), a, lg), bernDiscrete(b, lg))
				if n == 1 {
					want, _ = klBigDiscrete(binomialPMFBigDiscrete(1, a, lg), binomialPMFBigDiscrete(1, b, lg))
					assertRel(t, want, got, 1e-12, "KL(Bin(1) || Bern)")
				} else {
					assert.True(t, math.IsInf(got, 1), "KL(Bin(%d) || Bern) has mass on 2", n)
				}
			}
		}
	}
	assert.True(t, math.IsInf(klScalar(t, bernDiscrete(0.3, false), binDiscrete(0, 0.5, false)), 1))
	assertRel(t, -math.Log1p(-0.25), klScalar(t, binDiscrete(5, 0, false), bernDiscrete(0.25, false)), 1e-15, "δ0 || Bern")
	assertRel(t, -math.Log1p(-0.25), klScalar(t, binDiscrete(0, 0.6, false), bernDiscrete(0.25, false)), 1e-15, "Bin(0) || Bern")
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Bernoulli{Probs: v[0]}, Binomial{TotalCount: ad.Scalar(4), Logits: v[1]}
	}, []ad.Matrix{row(0.2, 0.7), col(0.6, -0.35)}, nil)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Binomial{TotalCount: ad.Scalar(1), Logits: v[0]}, Bernoulli{Probs: v[1]}
	}, []ad.Matrix{row(0.2, -0.7), col(0.6, 0.35)}, nil)
}
