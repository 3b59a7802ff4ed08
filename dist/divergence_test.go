package dist

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestCrossEntropyNormal(t *testing.T) {
	for _, c := range [][4]float64{{0, 1, 0, 1}, {0.3, 0.8, -1, 2}, {2, 3, 1, 0.5}} {
		p, q := Must(NewNormal(c[0], c[1])), Must(NewNormal(c[2], c[3]))
		h, err := CrossEntropy(p, q)
		require.NoError(t, err)
		// -∫ p log q by quadrature.
		want := integrate(func(x float64) float64 {
			return -math.Exp(logProbAt(p, x)) * logProbAt(q, x)
		}, math.Inf(-1), math.Inf(1), c[0])
		assert.InDelta(t, want, h.Scalar(), 1e-9*math.Max(1, math.Abs(want)), "H(p, q) %v by quadrature", c)
		// Written out: log(√(2π) s2) + (s1² + (m1 - m2)²)/(2 s2²).
		direct := logSqrt2Pi + math.Log(c[3]) + (c[1]*c[1]+(c[0]-c[2])*(c[0]-c[2]))/(2*c[3]*c[3])
		assertRel(t, direct, h.Scalar(), 1e-13, "H(p, q) %v", c)
	}
	// H(p, p) is the entropy.
	p := Must(NewNormal(1, 2))
	h, err := CrossEntropy(p, p)
	require.NoError(t, err)
	assertRel(t, distuv.Normal{Mu: 1, Sigma: 2}.Entropy(), h.Scalar(), 1e-14, "H(p, p)")
	// Batches and gradients.
	pb := Must(NormalOf(ad.Col([]float64{0, 1}), scalar(1)))
	h, err = CrossEntropy(pb, Must(NewNormal(0, 2)))
	require.NoError(t, err)
	require.Len(t, h.Value(), 2)
	assertRel(t, logSqrt2Pi+math.Log(2)+(1+1)/8.0, h.Value()[1], 1e-14, "batch row 1")
	err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		h, err := CrossEntropy(Normal{Loc: v[0], Scale: v[1]}, Normal{Loc: v[2], Scale: v[3]})
		if err != nil {
			panic(err)
		}
		return h
	}, []ad.Matrix{row(0.1, -0.4), row(0.8, 1.9), mat(0.5), row(1.2, 0.6)}, nil)
	assert.NoError(t, err, "CrossEntropy gradient")
}

func TestSymmetricKL(t *testing.T) {
	p, q := Must(NewNormal(0.3, 0.8)), Must(NewNormal(-1, 2))
	s, err := SymmetricKL(p, q)
	require.NoError(t, err)
	want := klQuad(p, q, math.Inf(-1), math.Inf(1), 0.3) + klQuad(q, p, math.Inf(-1), math.Inf(1), -1)
	assert.InDelta(t, want, s.Scalar(), 1e-9, "Jeffreys divergence by quadrature")
	r, err := SymmetricKL(q, p)
	require.NoError(t, err)
	assert.InDelta(t, s.Scalar(), r.Scalar(), 1e-15, "symmetric")
	mix := Must(MixtureLogits(ad.Row([]float64{0, 0}), Must(NormalOf(ad.Col([]float64{-1, 1}), scalar(1)))))
	_, err = SymmetricKL(Must(NewDelta(0)), mix)
	assert.True(t, errors.Is(err, ErrNoKL), "KL(mix || Delta) has no rule: %v", err)
}

func TestEntropyHelper(t *testing.T) {
	h, err := Entropy(Must(NewNormal(0, 3)))
	require.NoError(t, err)
	assertRel(t, distuv.Normal{Mu: 0, Sigma: 3}.Entropy(), h.Scalar(), 1e-14, "Normal entropy")
	h, err = Entropy(Independent{Base: Must(NewNormal(0, 3))})
	require.NoError(t, err)
	assertRel(t, distuv.Normal{Mu: 0, Sigma: 3}.Entropy(), h.Scalar(), 1e-14, "through Independent")
	mix := Must(MixtureLogits(ad.Row([]float64{0, 0}), Must(NormalOf(ad.Col([]float64{-1, 1}), scalar(1)))))
	for _, d := range []Distribution{
		Must(NewTransformed(Must(NewNormal(0, 1)), Exp{})),
		mix,
		Independent{Base: mix},
		Must(Expand(mix, 2, 1)),
	} {
		_, err = Entropy(d)
		assert.True(t, errors.Is(err, ErrNoEntropy), "Entropy(%T): %v", d, err)
		_, err = CrossEntropy(d, Must(NewNormal(0, 1)))
		assert.True(t, errors.Is(err, ErrNoEntropy), "CrossEntropy(%T, Normal): %v", d, err)
	}
	_, err = CrossEntropy(Must(NewNormal(0, 1)), mix)
	assert.True(t, errors.Is(err, ErrNoKL), "CrossEntropy(Normal, mixture): %v", err)
	var pe *ParamError
	_, err = Entropy(Normal{Loc: scalar(0), Scale: scalar(-2)})
	require.ErrorAs(t, err, &pe)
	// Delta: entropy 0, so the cross-entropy is -log q(v).
	h, err = CrossEntropy(Must(NewDelta(0.5)), Must(NewNormal(0, 1)))
	require.NoError(t, err)
	assertRel(t, -distuv.UnitNormal.LogProb(0.5), h.Scalar(), 1e-14, "H(δ, q)")
}
