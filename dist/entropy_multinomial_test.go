package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// multinomialRef holds the mpmath values of testdata/entropy_multinomial.py.
type multinomialRef struct {
	Multinomial []struct {
		N       float64   `json:"total_count"`
		Probs   []float64 `json:"probs"`
		Entropy float64   `json:"entropy"`
		Brute   *float64  `json:"brute"`
	} `json:"multinomial"`
	Geometric []struct {
		P       float64 `json:"probs"`
		Entropy float64 `json:"entropy"`
	} `json:"geometric"`
	Bernoulli []struct {
		P       float64 `json:"probs"`
		Entropy float64 `json:"entropy"`
	} `json:"bernoulli"`
	BinomialLarge []struct {
		N       float64 `json:"total_count"`
		P       float64 `json:"probs"`
		Entropy float64 `json:"entropy"`
	} `json:"binomial_large"`
	PoissonLarge []struct {
		Rate    float64 `json:"rate"`
		Entropy float64 `json:"entropy"`
	} `json:"poisson_large"`
	NegBinLarge []struct {
		R       float64 `json:"total_count"`
		P       float64 `json:"probs"`
		Entropy float64 `json:"entropy"`
	} `json:"negative_binomial_large"`
}

func loadMultinomialRef(t *testing.T) multinomialRef {
	var r multinomialRef
	readRef(t, "entropy_multinomial.json", &r)
	require.NotEmpty(t, r.Multinomial)
	require.NotEmpty(t, r.Geometric)
	require.NotEmpty(t, r.Bernoulli)
	return r
}

// TestMultinomialEntropyMpmath: the entropy matches mpmath to 1e-12
// relative, from n = 1 to n = 20,000 and with a zero and a near-one
// probability, with probs and with logits; the small cases are also
// checked by mpmath's brute-force sum over every count vector.
func TestMultinomialEntropyMpmath(t *testing.T) {
	for _, c := range loadMultinomialRef(t).Multinomial {
		if c.Brute != nil {
			require.InEpsilon(t, *c.Brute, c.Entropy, 1e-15, "reference identity vs brute force, n = %v", c.N)
		}
		d := Must(NewMultinomial(c.N, c.Probs...))
		assert.InEpsilon(t, c.Entropy, d.Entropy().Scalar(), 1e-12, "Multinomial(%v, %v) entropy", c.N, c.Probs)
		var s float64
		for _, p := range c.Probs {
			s += p
		}
		logits := make([]float64, len(c.Probs))
		for j, p := range c.Probs {
			logits[j] = math.Log(p / s)
		}
		lg := Must(MultinomialLogits(c.N, logits...))
		assert.InEpsilon(t, c.Entropy, lg.Entropy().Scalar(), 1e-11, "Multinomial(%v, logits) entropy", c.N)
	}
	// Point masses: n = 0, or all mass on one category.
	assert.Equal(t, 0.0, Must(NewMultinomial(0, 0.3, 0.7)).Entropy().Scalar())
	assert.InDelta(t, 0, Must(NewMultinomial(50, 0, 1, 0)).Entropy().Scalar(), 1e-13)
	// Two categories: the entropy of Binomial(n, p) (whose count vector
	// (k, n-k) has the same law).
	for _, n := range []float64{1, 9, 40} {
		assert.InEpsilon(t, Must(NewBinomial(n, 0.35)).Entropy().Scalar(), Must(NewMultinomial(n, 0.35, 0.65)).Entropy().Scalar(), 1e-12, "n = %v", n)
	}
}

// TestMultinomialEntropyBatchAndGrad: batch rows with per-row total
// counts, and the partials against finite differences for probs and
// logits.
func TestMultinomialEntropyBatchAndGrad(t *testing.T) {
	probs := ad.Const(2, 3, []float64{0.2, 0.5, 0.3, 1, 1, 2})
	counts := ad.Const(2, 1, []float64{5, 30})
	h := Multinomial{TotalCount: counts, Probs: probs}.Entropy()
	require.Equal(t, 2, h.Rows())
	assert.InEpsilon(t, Must(NewMultinomial(5, 0.2, 0.5, 0.3)).Entropy().Scalar(), h.Value()[0], 1e-14)
	assert.InEpsilon(t, Must(NewMultinomial(30, 0.25, 0.25, 0.5)).Entropy().Scalar(), h.Value()[1], 1e-14)
	// One probability row shared by two counts.
	hs := Multinomial{TotalCount: counts, Probs: ad.Row([]float64{0.2, 0.5, 0.3})}.Entropy().Value()
	assert.InEpsilon(t, Must(NewMultinomial(30, 0.2, 0.5, 0.3)).Entropy().Scalar(), hs[1], 1e-14)

	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return Multinomial{TotalCount: counts, Probs: v[0]}.Entropy() },
		[]ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0.2, 0.5, 0.3, 1, 1, 2}}}, nil)
	assert.NoError(t, err, "Multinomial entropy gradient (probs)")
	err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return Multinomial{TotalCount: counts, Logits: v[0]}.Entropy() },
		[]ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{-0.3, 0.4, 1.1, 0, 2, -1}}}, nil)
	assert.NoError(t, err, "Multinomial entropy gradient (logits)")
	err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return Multinomial{TotalCount: scalar(400), Logits: v[0]}.Entropy()
	},
		[]ad.Matrix{{Rows: 1, Cols: 4, Data: []float64{-2, 0.4, 1.1, 3}}}, nil)
	assert.NoError(t, err, "Multinomial entropy gradient (logits, n = 400)")
	// Through the generic entrypoint.
	e, err := Entropy(Must(NewMultinomial(4, 0.2, 0.5, 0.3)))
	require.NoError(t, err)
	assert.InEpsilon(t, 2.3490839816745117, e.Scalar(), 1e-12)
}

// TestGeometricBernoulliEntropyMpmath: the closed forms keep 1e-12
// relative accuracy from p = 1e-8 to 1 - 1e-10.
func TestGeometricBernoulliEntropyMpmath(t *testing.T) {
	r := loadMultinomialRef(t)
	for _, c := range r.Geometric {
		assert.InEpsilon(t, c.Entropy, Must(NewGeometric(c.P)).Entropy().Scalar(), 1e-12, "Geometric(%v)", c.P)
		lg := Must(GeometricLogits(logitDiscrete(c.P)))
		assert.InEpsilon(t, c.Entropy, lg.Entropy().Scalar(), 1e-9, "Geometric(logits %v)", logitDiscrete(c.P))
	}
	for _, c := range r.Bernoulli {
		assert.InEpsilon(t, c.Entropy, Must(NewBernoulli(c.P)).Entropy().Scalar(), 1e-12, "Bernoulli(%v)", c.P)
	}
}

// TestLargeCountEntropyMpmath: the Binomial, Poisson and NegativeBinomial
// entropies keep 1e-12 relative accuracy for n, rate and r up to 1e6, where log n! is 1e6
// times the entropy (the saddle-point masses of entropySeries).
func TestLargeCountEntropyMpmath(t *testing.T) {
	r := loadMultinomialRef(t)
	require.NotEmpty(t, r.BinomialLarge)
	require.NotEmpty(t, r.PoissonLarge)
	for _, c := range r.BinomialLarge {
		assert.InEpsilon(t, c.Entropy, Must(NewBinomial(c.N, c.P)).Entropy().Scalar(), 1e-12, "Binomial(%v, %v)", c.N, c.P)
		assert.InEpsilon(t, c.Entropy, Must(NewMultinomial(c.N, c.P, 1-c.P)).Entropy().Scalar(), 1e-12, "Multinomial(%v, [%v, 1-p])", c.N, c.P)
	}
	for _, c := range r.PoissonLarge {
		assert.InEpsilon(t, c.Entropy, Must(NewPoisson(c.Rate)).Entropy().Scalar(), 1e-12, "Poisson(%v)", c.Rate)
	}
	require.NotEmpty(t, r.NegBinLarge)
	for _, c := range r.NegBinLarge {
		assert.InEpsilon(t, c.Entropy, Must(NewNegativeBinomial(c.R, c.P)).Entropy().Scalar(), 1e-12, "NegativeBinomial(%v, %v)", c.R, c.P)
	}
	// The rate partial at a large rate against finite differences.
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return Poisson{Rate: v[0]}.Entropy() }, []ad.Matrix{row(2e5)}, nil)
	assert.NoError(t, err, "Poisson entropy gradient at rate 2e5")
}
