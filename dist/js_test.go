package dist

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func TestJensenShannonAgainstSums(t *testing.T) {
	cases := []struct {
		name   string
		p, q   Distribution
		pb, qb pmfBigDiscrete
	}{
		{"Bernoulli", Must(NewBernoulli(0.3)), Must(BernoulliLogits(1.2)), binomialPMFBigDiscrete(1, 0.3, false), binomialPMFBigDiscrete(1, 1.2, true)},
		{"Binomial counts differ", Must(NewBinomial(10, 0.3)), Must(NewBinomial(14, 0.6)), binomialPMFBigDiscrete(10, 0.3, false), binomialPMFBigDiscrete(14, 0.6, false)},
		{"Poisson", Must(NewPoisson(3.2)), Must(NewPoisson(5)), poissonPMFBigDiscrete(3.2, 90), poissonPMFBigDiscrete(5, 90)},
		{"Geometric/Poisson", Must(NewGeometric(0.25)), Must(NewPoisson(3.2)), geometricPMFBigDiscrete(0.25, false, 330), poissonPMFBigDiscrete(3.2, 90)},
		{"NegativeBinomial/Geometric", Must(NewNegativeBinomial(2.5, 0.4)), Must(GeometricLogits(-0.5)), nbPMFBigDiscrete(2.5, 0.4, false, 200), geometricPMFBigDiscrete(-0.5, true, 200)},
		{"Bernoulli/Binomial", Must(NewBernoulli(0.6)), Must(NewBinomial(3, 0.2)), binomialPMFBigDiscrete(1, 0.6, false), binomialPMFBigDiscrete(3, 0.2, false)},
		{"Bernoulli/Categorical", Must(NewBernoulli(0.6)), Must(NewCategorical(0.3, 0.5, 0.2)), binomialPMFBigDiscrete(1, 0.6, false),
			pmfBigDiscrete{kmax: 2, mass: func(k int) *big.Float { return bfDiscrete([]float64{0.3, 0.5, 0.2}[k]) }}},
		{"Poisson near", Must(NewPoisson(3.7 * (1 + 1e-6))), Must(NewPoisson(3.7)), poissonPMFBigDiscrete(3.7*(1+1e-6), 90), poissonPMFBigDiscrete(3.7, 90)},
	}
	for _, c := range cases {
		want := jsBigDiscrete(c.pb, c.qb)
		got := jsValueDiscrete(t, c.p, c.q)
		// The masses carry the relative error of their log-gamma formulas
		// (about 1e-15), which near p = q (JS of order (p-q)²) becomes a
		// relative error of about 1e-15/|p-q|.
		tol := 1e-12
		if c.name == "Poisson near" {
			tol = 1e-8
		}
		assertRel(t, want, got, tol, "JS %s", c.name)
		assert.Equal(t, got, jsValueDiscrete(t, c.q, c.p), "JS %s symmetric", c.name)
	}
	// Categorical and one-hot rows.
	a, b := []float64{0.1, 0.6, 0.3}, []float64{0.4, 0.4, 0.2}
	ab := pmfBigDiscrete{kmax: 2, mass: func(k int) *big.Float { return bfDiscrete(a[k]) }}
	bb := pmfBigDiscrete{kmax: 2, mass: func(k int) *big.Float { return bfDiscrete(b[k]) }}
	want := jsBigDiscrete(ab, bb)
	assertRel(t, want, jsValueDiscrete(t, Must(NewCategorical(a...)), Must(NewCategorical(b...))), 1e-13, "categorical")
	assertRel(t, want, jsValueDiscrete(t, Must(NewOneHotCategorical(a...)), Must(NewOneHotCategorical(b...))), 1e-13, "one-hot")
	// mpmath references.
	refs := loadRefsDiscrete(t)
	r := refs["js_poisson_geometric"]
	require.NotEmpty(t, r.Name)
	assertRel(t, r.Value, jsValueDiscrete(t, Must(NewPoisson(r.P[0])), Must(NewGeometric(r.Q[0]))), 1e-12, "mpmath js_poisson_geometric")
	r = refs["js_binomial_poisson"]
	require.NotEmpty(t, r.Name)
	assertRel(t, r.Value, jsValueDiscrete(t, Must(NewBinomial(r.P[0], r.P[1])), Must(NewPoisson(r.Q[0]))), 1e-12, "mpmath js_binomial_poisson")
}

func TestJensenShannonProperties(t *testing.T) {
	rng := rngDiscrete(801)
	for range 200 {
		ds := []Distribution{
			Must(NewBernoulli(rng.Float64())),
			Must(NewBinomial(float64(rng.IntN(20)), rng.Float64())),
			Must(NewPoisson(math.Exp(2 * rng.NormFloat64()))),
			Must(NewGeometric(0.05 + 0.95*rng.Float64())),
			Must(NewNegativeBinomial(math.Exp(rng.NormFloat64()), 0.9*rng.Float64())),
			Must(NewCategorical(rng.Float64(), rng.Float64(), rng.Float64())),
		}
		p, q := ds[rng.IntN(len(ds))], ds[rng.IntN(len(ds))]
		v := jsValueDiscrete(t, p, q)
		assert.GreaterOrEqual(t, v, 0.0, "%T %T", p, q)
		assert.LessOrEqual(t, v, math.Ln2*(1+1e-15), "%T %T", p, q)
		assert.Equal(t, 0.0, jsValueDiscrete(t, p, p), "%T", p)
	}
	// Disjoint supports: log 2.
	assert.InDelta(t, math.Ln2, jsValueDiscrete(t, Must(NewBernoulli(0)), Must(NewBernoulli(1))), 1e-16)
	assert.InDelta(t, math.Ln2, jsValueDiscrete(t, Must(NewPoisson(0)), Must(NewBinomial(4, 1))), 1e-16)
}

func TestJensenShannonBatchAndErrors(t *testing.T) {
	p := Must(PoissonOf(ad.Col([]float64{1, 2, 3})))
	q := Must(NewPoisson(2))
	v, err := JensenShannon(p, q)
	require.NoError(t, err)
	require.Equal(t, [2]int{3, 1}, [2]int{v.Rows(), v.Cols()})
	assert.Nil(t, v.Tape(), "a free constant")
	assert.Equal(t, 0.0, v.Value()[1])
	assertRel(t, jsValueDiscrete(t, Must(NewPoisson(3)), q), v.Value()[2], 1e-15, "row 2")
	// No closed form: non-enumerable, product over columns, mixed value
	// spaces.
	for _, c := range [][2]Distribution{
		{Must(NewNormal(0, 1)), Must(NewBernoulli(0.5))},
		{Must(NewMultinomial(3, 0.5, 0.5)), Must(NewMultinomial(3, 0.2, 0.8))},
		{Must(BernoulliOf(ad.Row([]float64{0.2, 0.3}))), Must(BernoulliOf(ad.Row([]float64{0.2, 0.4})))},
		{Must(NewOneHotCategorical(0.5, 0.5)), Must(NewCategorical(0.5, 0.5))},
	} {
		_, err := JensenShannon(c[0], c[1])
		require.Error(t, err)
		assert.True(t, errors.Is(err, ErrNoClosedForm), "%v", err)
	}
	_, err = JensenShannon(Must(NewOneHotCategorical(0.5, 0.5)), Must(NewOneHotCategorical(0.2, 0.3, 0.5)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "categories")
	_, err = JensenShannon(Bernoulli{Probs: ad.Scalar(2)}, Must(NewBernoulli(0.5)))
	var pe *ParamError
	require.ErrorAs(t, err, &pe)
}
