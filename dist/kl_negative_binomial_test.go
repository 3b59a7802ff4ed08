package dist

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func nbDiscrete(r, v float64, logits bool) NegativeBinomial {
	if logits {
		return Must(NegativeBinomialLogits(r, v))
	}
	return Must(NewNegativeBinomial(r, v))
}

// nbKmaxDiscrete bounds the support of NB(r, a) to a tail below about
// 1e-30.
func nbKmaxDiscrete(r, a float64) int {
	mean := r * a / (1 - a)
	return int(mean + 70/-math.Log(a) + 10*math.Sqrt(mean/(1-a)) + 60)
}

func TestKLNegativeBinomial(t *testing.T) {
	// [r1, a, r2, b]
	cases := [][4]float64{
		{3.5, 0.6, 3.5, 0.3}, {0.4, 0.9, 0.4, 0.95}, {7, 0.05, 7, 0.5},
		{2.5, 0.45, 3.7, 0.6}, {0.3, 0.8, 1.7, 0.3}, {12, 0.9, 10, 0.85}, {5, 0.2, 5.5, 0.2}, {1, 0.5, 40, 0.02},
	}
	for _, c := range cases {
		eachForm(c[1], c[3], logitDiscrete, func(a, b float64, lp, lq bool) {
			want := klNegBinBigDiscrete(c[0], a, lp, c[2], b, lq, nbKmaxDiscrete(c[0], c[1]))
			got := klScalar(t, nbDiscrete(c[0], a, lp), nbDiscrete(c[2], b, lq))
			assertRel(t, want, got, 1e-12, "KL(NB%v || NB%v) logits %v %v", c[:2], c[2:], lp, lq)
		})
	}
	// Point masses at 0.
	assertRel(t, -2.5*math.Log1p(-0.4), klScalar(t, nbDiscrete(1.5, 0, false), nbDiscrete(2.5, 0.4, false)), 1e-15, "δ0 || NB")
	assert.True(t, math.IsInf(klScalar(t, nbDiscrete(1.5, 0.2, false), nbDiscrete(2.5, 0, false)), 1))
	assert.Equal(t, 0.0, klScalar(t, nbDiscrete(1.5, 0, false), nbDiscrete(2.5, 0, false)))

	// Near p = q in the probability (closed form; Fisher information
	// r/(p(1-p)²)) and in the total count (the series), against 256-bit
	// sums.
	for _, c := range [][2]float64{{3.5, 0.6}, {0.5, 0.02}, {20, 0.97}} {
		r, p := c[0], c[1]
		a := p * (1 + 1e-6)
		got := klScalar(t, nbDiscrete(r, a, false), nbDiscrete(r, p, false))
		want := klNegBinBigDiscrete(r, a, false, r, p, false, nbKmaxDiscrete(r, a))
		assertRel(t, want, got, 1e-12, "near p=q in probs at %v", c)
		assertRel(t, 0.5*r*(a-p)*(a-p)/(p*(1-p)*(1-p)), got, 2*(a-p)/math.Min(p, 1-p), "Fisher quadratic at %v", c)
		r1 := r * (1 + 1e-6)
		got = klScalar(t, nbDiscrete(r1, p, false), nbDiscrete(r, p, false))
		want = klNegBinBigDiscrete(r1, p, false, r, p, false, nbKmaxDiscrete(r1, p))
		assertRel(t, want, got, 1e-8, "near p=q in total_count at %v", c)
	}
	refs := loadRefsDiscrete(t)
	for _, name := range []string{"negbin_same_r_near", "negbin_diff_r", "negbin_diff_r_small", "negbin_diff_r_near"} {
		r := refs[name]
		require.NotEmpty(t, r.Name, name)
		got := klScalar(t, nbDiscrete(r.P[0], r.P[1], false), nbDiscrete(r.Q[0], r.Q[1], false))
		tol := 1e-12
		if name == "negbin_diff_r_near" {
			tol = 1e-8
		}
		assertRel(t, r.Value, got, tol, "mpmath %s", name)
	}
	rng := rngDiscrete(601)
	for range 300 {
		p := nbDiscrete(math.Exp(rng.NormFloat64()), 0.9*rng.Float64(), false)
		q := nbDiscrete(math.Exp(rng.NormFloat64()), rng.NormFloat64(), true)
		assert.GreaterOrEqual(t, klScalar(t, p, q), 0.0)
		assert.Equal(t, 0.0, klScalar(t, p, p))
		assert.Equal(t, 0.0, klScalar(t, q, q))
	}
	// Gradients with respect to both total counts and both probability
	// parameters. At r1 = r2 the closed form's partials must match finite
	// differences that step into the series (r1 != r2).
	for _, rs := range [][2]float64{{2.5, 2.5}, {2.5, 4}, {0.7, 0.3}} {
		eachFormOf(row(0.2, 0.7), row(-1.2, 0.4), col(0.6, 0.35), col(0.3, -0.8), func(pin, qin ad.Matrix, lp, lq bool) {
			in := []ad.Matrix{mat(rs[0]), pin, mat(rs[1]), qin}
			checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
				p := NegativeBinomial{TotalCount: v[0], Probs: v[1]}
				if lp {
					p = NegativeBinomial{TotalCount: v[0], Logits: v[1]}
				}
				q := NegativeBinomial{TotalCount: v[2], Probs: v[3]}
				if lq {
					q = NegativeBinomial{TotalCount: v[2], Logits: v[3]}
				}
				return p, q
			}, in, nil)
		})
	}
	checkKLMonteCarlo(t, nbDiscrete(2.5, 0.45, false), nbDiscrete(3.7, 0.6, false), rngDiscrete(602), 100000, 5)
}

func TestKLNegativeBinomialDoesNotConverge(t *testing.T) {
	// With probs within 1e-9 of 1 and different total counts the series
	// needs about 4e10 terms: an error, not a wrong number.
	_, err := KL(nbDiscrete(1, 1-1e-9, false), nbDiscrete(2, 0.5, false))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "terms")
	assert.False(t, errors.Is(err, ErrNoKL))
}
