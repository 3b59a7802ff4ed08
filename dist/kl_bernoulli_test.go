package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// bernDiscrete returns Bernoulli(v) from probs or logits.
func bernDiscrete(v float64, logits bool) Bernoulli {
	if logits {
		return Must(BernoulliLogits(v))
	}
	return Must(NewBernoulli(v))
}

func logitDiscrete(p float64) float64 { return math.Log(p) - math.Log1p(-p) }

func TestKLBernoulliBernoulli(t *testing.T) {
	cases := [][2]float64{{0.3, 0.6}, {0.01, 0.5}, {0.9, 0.2}, {0.5, 0.5001}, {1e-6, 0.3}, {0.999, 0.99}}
	for _, c := range cases {
		eachForm(c[0], c[1], logitDiscrete, func(a, b float64, lp, lq bool) {
			want, _ := klBigDiscrete(binomialPMFBigDiscrete(1, a, lp), binomialPMFBigDiscrete(1, b, lq))
			got := klScalar(t, bernDiscrete(a, lp), bernDiscrete(b, lq))
			assertRel(t, want, got, 1e-12, "KL(Bern %v || Bern %v) logits %v %v", c[0], c[1], lp, lq)
		})
	}
	// Boundary probabilities: 0 log 0 = 0, and +Inf where p has mass q lacks.
	assertRel(t, -math.Log1p(-0.3), klScalar(t, bernDiscrete(0, false), bernDiscrete(0.3, false)), 1e-15, "KL(δ0 || Bern)")
	assertRel(t, -math.Log(0.3), klScalar(t, bernDiscrete(1, false), bernDiscrete(0.3, false)), 1e-15, "KL(δ1 || Bern)")
	assert.True(t, math.IsInf(klScalar(t, bernDiscrete(0.2, false), bernDiscrete(0, false)), 1))
	assert.True(t, math.IsInf(klScalar(t, bernDiscrete(0.2, false), bernDiscrete(1, false)), 1))
	assert.Equal(t, 0.0, klScalar(t, bernDiscrete(0, false), bernDiscrete(0, false)))
	assert.Equal(t, 0.0, klScalar(t, bernDiscrete(1, false), bernDiscrete(1, false)))

	// Near p = q: a relative perturbation of 1e-6 against the 256-bit sum
	// and the Fisher quadratic ½ δ² / (p(1-p)) (relative error O(δ)).
	for _, p := range []float64{1e-4, 0.3, 0.5, 0.97} {
		a := p * (1 + 1e-6)
		fisher := 0.5 * (a - p) * (a - p) / (p * (1 - p))
		for _, lg := range []bool{false, true} {
			av, pv := a, p
			if lg {
				av, pv = logitDiscrete(a), logitDiscrete(p)
			}
			want, _ := klBigDiscrete(binomialPMFBigDiscrete(1, av, lg), binomialPMFBigDiscrete(1, pv, lg))
			got := klScalar(t, bernDiscrete(av, lg), bernDiscrete(pv, lg))
			assertRel(t, want, got, 1e-12, "near p=q at %v (logits %v)", p, lg)
			// The cubic term is relatively of order |a-p|/min(p, 1-p).
			assertRel(t, fisher, got, 2*(a-p)/math.Min(p, 1-p), "Fisher quadratic at %v (logits %v)", p, lg)
		}
	}
	// mpmath references (testdata/gen_discrete_ref.py).
	refs := loadRefsDiscrete(t)
	for _, name := range []string{"bernoulli_near", "bernoulli_near_high", "bernoulli_ordinary"} {
		r := refs[name]
		require.NotEmpty(t, r.Name, name)
		assertRel(t, r.Value, klScalar(t, bernDiscrete(r.P[0], false), bernDiscrete(r.Q[0], false)), 1e-12, "mpmath %s", name)
	}

	rng := rngDiscrete(201)
	for range 500 {
		p, q := bernDiscrete(rng.NormFloat64()*3, true), bernDiscrete(rng.Float64(), false)
		assert.GreaterOrEqual(t, klScalar(t, p, q), 0.0)
		assert.Equal(t, 0.0, klScalar(t, p, p))
		assert.Equal(t, 0.0, klScalar(t, q, q))
	}
	eachFormOf(row(0.2, 0.7, 0.45), row(-1.2, 0.4, 2), col(0.6, 0.35), col(0.3, -0.8), func(pin, qin ad.Matrix, lp, lq bool) {
		in := []ad.Matrix{pin, qin}
		checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
			return bernOf(v[0], lp), bernOf(v[1], lq)
		}, in, nil)
	})
	checkKLMonteCarlo(t, bernDiscrete(0.3, false), bernDiscrete(0.55, false), rngDiscrete(202), 200000, 5)
}

func bernOf(v ad.Var, logits bool) Bernoulli {
	if logits {
		return Bernoulli{Logits: v}
	}
	return Bernoulli{Probs: v}
}

func TestKLBernoulliPoisson(t *testing.T) {
	for _, c := range [][2]float64{{0.3, 0.6}, {0.01, 2}, {0.9, 0.2}, {1e-8, 1e-8}, {0.5, 0.5}, {0, 1.3}, {1, 0.7}} {
		a, lam := c[0], c[1]
		for _, lg := range []bool{false, true} {
			if lg && (a == 0 || a == 1) {
				continue
			}
			av := a
			if lg {
				av = logitDiscrete(a)
			}
			want, _ := klBigDiscrete(binomialPMFBigDiscrete(1, av, lg), poissonPMFBigDiscrete(lam, 1))
			got := klScalar(t, bernDiscrete(av, lg), Must(NewPoisson(lam)))
			assertRel(t, want, got, 1e-12, "KL(Bern %v || Poisson %v) logits %v", a, lam, lg)
			// torch's formula where it does not cancel: -H(a) - a log λ + λ.
			if a > 0.01 && a < 1 {
				h := -(a*math.Log(a) + (1-a)*math.Log1p(-a))
				assertRel(t, -h-a*math.Log(lam)+lam, got, 1e-12, "torch formula")
			}
		}
	}
	r := loadRefsDiscrete(t)["bernoulli_poisson_small"]
	require.NotEmpty(t, r.Name)
	assertRel(t, r.Value, klScalar(t, bernDiscrete(r.P[0], false), Must(NewPoisson(r.Q[0]))), 1e-12, "mpmath bernoulli_poisson_small")
	assert.True(t, math.IsInf(klScalar(t, bernDiscrete(0.2, false), Must(NewPoisson(0))), 1))
	assert.Equal(t, 0.0, klScalar(t, bernDiscrete(0, false), Must(NewPoisson(0))))
	rng := rngDiscrete(203)
	for range 300 {
		assert.GreaterOrEqual(t, klScalar(t, bernDiscrete(rng.Float64(), false), Must(NewPoisson(rng.ExpFloat64()))), 0.0)
	}
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Bernoulli{Probs: v[0]}, Poisson{Rate: v[1]}
	}, []ad.Matrix{row(0.2, 0.7), col(0.6, 1.5)}, nil)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Bernoulli{Logits: v[0]}, Poisson{Rate: v[1]}
	}, []ad.Matrix{row(-1.2, 0.4), mat(0.3)}, nil)
}

func TestKLInfiniteRowsHaveZeroPartials(t *testing.T) {
	// A batch with one +Inf row: no NaN anywhere, the +Inf row's partials 0.
	tp := ad.NewTape()
	pp := tp.Input(2, 1, []float64{0.3, 0.4})
	qp := tp.Input(2, 1, []float64{0.5, 0})
	kl, err := KL(Bernoulli{Probs: pp}, Bernoulli{Probs: qp})
	require.NoError(t, err)
	assert.True(t, math.IsInf(kl.Value()[1], 1))
	tp.Backward(ad.SliceRows(kl, 0, 1))
	for _, g := range append(pp.Grad(), qp.Grad()...) {
		assert.False(t, math.IsNaN(g) || math.IsInf(g, 0))
	}
	assert.Equal(t, 0.0, pp.Grad()[1])
	assert.Equal(t, 0.0, qp.Grad()[1])
}

func TestDiscretePairsRegistered(t *testing.T) {
	kinds := map[[2]string]PairKind{}
	for _, p := range Pairs() {
		kinds[[2]string{p.P, p.Q}] = p.Kind
	}
	for _, pq := range [][2]string{
		{"Bernoulli", "Bernoulli"}, {"Binomial", "Binomial"}, {"Categorical", "Categorical"},
		{"OneHotCategorical", "OneHotCategorical"}, {"Geometric", "Geometric"}, {"Poisson", "Poisson"},
		{"NegativeBinomial", "NegativeBinomial"}, {"Multinomial", "Multinomial"}, {"Bernoulli", "Poisson"},
		{"Poisson", "Bernoulli"}, {"Poisson", "Binomial"}, {"Bernoulli", "Binomial"}, {"Binomial", "Bernoulli"},
	} {
		k, ok := kinds[pq]
		assert.True(t, ok, "%v registered", pq)
		assert.Equal(t, ClosedForm, k, "%v", pq)
	}
	// A row with one infinite column is +Inf with all its partials 0.
	tp := ad.NewTape()
	pp := tp.Input(1, 2, []float64{0.3, 0.4})
	qp := tp.Input(1, 2, []float64{0.5, 0})
	kl, err := KL(Bernoulli{Probs: pp}, Bernoulli{Probs: qp})
	require.NoError(t, err)
	require.True(t, math.IsInf(kl.Value()[0], 1))
	tp.Backward(kl)
	assert.Equal(t, []float64{0, 0}, pp.Grad())
	assert.Equal(t, []float64{0, 0}, qp.Grad())
}
