package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func poisKmaxDiscrete(lam float64) int { return int(lam + 60*math.Sqrt(lam) + 80) }

func geomKmaxDiscrete(p float64) int {
	if p == 1 {
		return 0
	}
	return int(math.Ceil(90 / -math.Log1p(-p)))
}

func TestKLPoissonPoisson(t *testing.T) {
	for _, c := range [][2]float64{{2.5, 7.25}, {0.01, 3}, {30, 28}, {1e-3, 1e-3 * 1.5}, {0, 4.5}} {
		p, q := Must(NewPoisson(c[0])), Must(NewPoisson(c[1]))
		want := klPoissonBigDiscrete(c[0], c[1], poisKmaxDiscrete(c[0]))
		assertRel(t, want, klScalar(t, p, q), 1e-12, "KL(Poisson %v || Poisson %v)", c[0], c[1])
		// The three-term closed form where it does not cancel.
		if c[0] > 0 {
			assertRel(t, c[0]*math.Log(c[0]/c[1])-c[0]+c[1], klScalar(t, p, q), 1e-10, "closed form")
		}
	}
	assert.True(t, math.IsInf(klScalar(t, Must(NewPoisson(1)), Must(NewPoisson(0))), 1))
	assert.Equal(t, 0.0, klScalar(t, Must(NewPoisson(0)), Must(NewPoisson(0))))
	// Near p = q: the Fisher quadratic δ²/(2λ) and the 256-bit sum.
	for _, lam := range []float64{1e-3, 3.7, 500} {
		a := lam * (1 + 1e-6)
		got := klScalar(t, Must(NewPoisson(a)), Must(NewPoisson(lam)))
		want := klPoissonBigDiscrete(a, lam, poisKmaxDiscrete(a))
		assertRel(t, want, got, 1e-12, "near p=q at %v", lam)
		assertRel(t, (a-lam)*(a-lam)/(2*lam), got, 2e-6, "Fisher quadratic at %v", lam)
	}
	refs := loadRefsDiscrete(t)
	for _, name := range []string{"poisson_near", "poisson_near_small", "poisson_ordinary"} {
		r := refs[name]
		require.NotEmpty(t, r.Name, name)
		assertRel(t, r.Value, klScalar(t, Must(NewPoisson(r.P[0])), Must(NewPoisson(r.Q[0]))), 1e-12, "mpmath %s", name)
	}
	rng := rngDiscrete(401)
	for range 500 {
		p, q := Must(NewPoisson(math.Exp(3*rng.NormFloat64()))), Must(NewPoisson(math.Exp(3*rng.NormFloat64())))
		assert.GreaterOrEqual(t, klScalar(t, p, q), 0.0)
		assert.Equal(t, 0.0, klScalar(t, p, p))
	}
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Poisson{Rate: v[0]}, Poisson{Rate: v[1]}
	}, []ad.Matrix{row(0.2, 3.7, 12), col(0.6, 2.5)}, nil)
	checkKLMonteCarlo(t, Must(NewPoisson(3)), Must(NewPoisson(4.5)), rngDiscrete(402), 100000, 5)
}

func TestKLPoissonAgainstBinary(t *testing.T) {
	for _, q := range []Distribution{Must(NewBernoulli(0.3)), Must(NewBinomial(5, 0.3)), Must(BernoulliLogits(-2))} {
		assert.True(t, math.IsInf(klScalar(t, Must(NewPoisson(0.5)), q), 1), "%T", q)
	}
	// Rate 0 is the point mass at 0: -log q(0).
	assertRel(t, -math.Log1p(-0.3), klScalar(t, Must(NewPoisson(0)), Must(NewBernoulli(0.3))), 1e-15, "δ0 || Bern")
	assertRel(t, -5*math.Log1p(-0.3), klScalar(t, Must(NewPoisson(0)), Must(NewBinomial(5, 0.3))), 1e-15, "δ0 || Bin")
	assert.True(t, math.IsInf(klScalar(t, Must(NewPoisson(0)), Must(NewBinomial(5, 1))), 1))
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Poisson{Rate: ad.Scalar(0)}, Binomial{TotalCount: ad.Scalar(3), Logits: v[0]}
	}, []ad.Matrix{row(0.2, -1.4)}, nil)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Poisson{Rate: ad.Scalar(0)}, Bernoulli{Probs: v[0]}
	}, []ad.Matrix{row(0.2, 0.6)}, nil)
}

func geoDiscrete(v float64, logits bool) Geometric {
	if logits {
		return Must(GeometricLogits(v))
	}
	return Must(NewGeometric(v))
}

func TestKLGeometricGeometric(t *testing.T) {
	for _, c := range [][2]float64{{0.3, 0.55}, {0.02, 0.5}, {0.9, 0.1}, {0.5, 0.5001}, {1, 0.3}} {
		eachForm(c[0], c[1], logitDiscrete, func(a, b float64, lp, lq bool) {
			if lp && c[0] == 1 {
				return
			}
			want := klGeometricBigDiscrete(a, lp, b, lq, geomKmaxDiscrete(c[0]))
			assertRel(t, want, klScalar(t, geoDiscrete(a, lp), geoDiscrete(b, lq)), 1e-12, "KL(Geom %v || Geom %v) logits %v %v", c[0], c[1], lp, lq)
		})
	}
	assert.True(t, math.IsInf(klScalar(t, geoDiscrete(0.3, false), geoDiscrete(1, false)), 1))
	assert.Equal(t, 0.0, klScalar(t, geoDiscrete(1, false), geoDiscrete(1, false)))
	// Near p = q: Fisher information 1/(p²(1-p)).
	for _, p := range []float64{0.01, 0.2, 0.95} {
		a := p * (1 + 1e-6)
		got := klScalar(t, geoDiscrete(a, false), geoDiscrete(p, false))
		want := klGeometricBigDiscrete(a, false, p, false, geomKmaxDiscrete(a))
		assertRel(t, want, got, 1e-12, "near p=q at %v", p)
		assertRel(t, 0.5*(a-p)*(a-p)/(p*p*(1-p)), got, 2*(a-p)/math.Min(p, 1-p), "Fisher quadratic at %v", p)
	}
	refs := loadRefsDiscrete(t)
	for _, name := range []string{"geometric_ordinary", "geometric_near"} {
		r := refs[name]
		require.NotEmpty(t, r.Name, name)
		assertRel(t, r.Value, klScalar(t, geoDiscrete(r.P[0], false), geoDiscrete(r.Q[0], false)), 1e-12, "mpmath %s", name)
	}
	rng := rngDiscrete(501)
	for range 500 {
		p, q := geoDiscrete(rng.NormFloat64()*3, true), geoDiscrete(1-rng.Float64(), false)
		assert.GreaterOrEqual(t, klScalar(t, p, q), 0.0)
		assert.Equal(t, 0.0, klScalar(t, p, p))
		assert.Equal(t, 0.0, klScalar(t, q, q))
	}
	eachFormOf(row(0.2, 0.7), row(-1.2, 0.4), col(0.6, 0.35), col(0.3, -0.8), func(pin, qin ad.Matrix, lp, lq bool) {
		in := []ad.Matrix{pin, qin}
		checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
			p := Geometric{Probs: v[0]}
			if lp {
				p = Geometric{Logits: v[0]}
			}
			q := Geometric{Probs: v[1]}
			if lq {
				q = Geometric{Logits: v[1]}
			}
			return p, q
		}, in, nil)
	})
}
