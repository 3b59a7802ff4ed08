package dist

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// entropyRef holds the mpmath sums of testdata/entropy_discrete.py.
type entropyRef struct {
	Poisson []struct {
		Rate    float64 `json:"rate"`
		Entropy float64 `json:"entropy"`
	} `json:"poisson"`
	Binomial []struct {
		N       float64 `json:"total_count"`
		P       float64 `json:"probs"`
		Entropy float64 `json:"entropy"`
	} `json:"binomial"`
	NegBin []struct {
		R       float64 `json:"total_count"`
		P       float64 `json:"probs"`
		Entropy float64 `json:"entropy"`
	} `json:"negative_binomial"`
}

func loadEntropyRef(t *testing.T) entropyRef {
	var r entropyRef
	readRef(t, "entropy_discrete.json", &r)
	require.NotEmpty(t, r.Poisson)
	require.NotEmpty(t, r.Binomial)
	return r
}

func TestPoissonEntropyMpmath(t *testing.T) {
	for _, c := range loadEntropyRef(t).Poisson {
		d := Must(NewPoisson(c.Rate))
		assert.InEpsilon(t, c.Entropy, d.Entropy().Scalar(), 1e-12, "Poisson(%v) entropy", c.Rate)
	}
	assert.Equal(t, 0.0, Must(NewPoisson(0)).Entropy().Scalar(), "Poisson(0) is a point mass")
}

func TestBinomialEntropyMpmath(t *testing.T) {
	for _, c := range loadEntropyRef(t).Binomial {
		d := Must(NewBinomial(c.N, c.P))
		assert.InEpsilon(t, c.Entropy, d.Entropy().Scalar(), 1e-12, "Binomial(%v, %v) entropy", c.N, c.P)
		lg := Must(BinomialLogits(c.N, logitDiscrete(c.P)))
		assert.InEpsilon(t, c.Entropy, lg.Entropy().Scalar(), 1e-11, "Binomial(%v, logits) entropy", c.N)
	}
	for _, d := range []Binomial{Must(NewBinomial(0, 0.3)), Must(NewBinomial(7, 0)), Must(NewBinomial(7, 1))} {
		assert.Equal(t, 0.0, d.Entropy().Scalar(), "point mass %v", d)
	}
}

func TestNegativeBinomialEntropyMpmath(t *testing.T) {
	r := loadEntropyRef(t)
	require.NotEmpty(t, r.NegBin)
	for _, c := range r.NegBin {
		d := Must(NewNegativeBinomial(c.R, c.P))
		assert.InEpsilon(t, c.Entropy, d.Entropy().Scalar(), 1e-12, "NegativeBinomial(%v, %v) entropy", c.R, c.P)
	}
	// r = 1 is the geometric law of the failures before a success with
	// probability 1-p: Geometric(1-p) counts the same.
	for _, p := range []float64{0.2, 0.5, 0.93} {
		assert.InEpsilon(t, Must(NewGeometric(1-p)).Entropy().Scalar(), Must(NewNegativeBinomial(1, p)).Entropy().Scalar(), 1e-12, "r=1, p=%v", p)
	}
	tc := ad.Const(1, 2, []float64{2.5, 0.7})
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return NegativeBinomial{TotalCount: tc, Probs: v[0]}.Entropy() }, []ad.Matrix{row(0.3, 0.8)}, nil)
	assert.NoError(t, err, "NegativeBinomial entropy gradient (probs)")
	err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return NegativeBinomial{TotalCount: tc, Logits: v[0]}.Entropy() }, []ad.Matrix{row(-0.5, 1.1)}, nil)
	assert.NoError(t, err, "NegativeBinomial entropy gradient (logits)")
	pr := ad.Const(1, 2, []float64{0.3, 0.8})
	err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return NegativeBinomial{TotalCount: v[0], Probs: pr}.Entropy() }, []ad.Matrix{row(2.5, 0.7)}, nil)
	assert.NoError(t, err, "NegativeBinomial entropy gradient (total_count)")
}

func TestDiscreteEntropyBatchAndGradients(t *testing.T) {
	// A batch row sums its columns' entropies.
	rates := ad.Const(2, 2, []float64{0.5, 3, 40, 1e-3})
	h := Must(PoissonOf(rates)).Entropy().Value()
	require.Len(t, h, 2)
	assert.InEpsilon(t, Must(NewPoisson(0.5)).Entropy().Scalar()+Must(NewPoisson(3)).Entropy().Scalar(), h[0], 1e-14, "row 0")
	assert.InEpsilon(t, Must(NewPoisson(40)).Entropy().Scalar()+Must(NewPoisson(1e-3)).Entropy().Scalar(), h[1], 1e-14, "row 1")

	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return Poisson{Rate: v[0]}.Entropy() }, []ad.Matrix{row(0.7, 12)}, nil)
	assert.NoError(t, err, "Poisson entropy gradient")
	n := ad.Const(1, 2, []float64{6, 30})
	err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return Binomial{TotalCount: n, Probs: v[0]}.Entropy() }, []ad.Matrix{row(0.2, 0.65)}, nil)
	assert.NoError(t, err, "Binomial entropy gradient (probs)")
	err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return Binomial{TotalCount: n, Logits: v[0]}.Entropy() }, []ad.Matrix{row(-1.3, 0.4)}, nil)
	assert.NoError(t, err, "Binomial entropy gradient (logits)")
}
