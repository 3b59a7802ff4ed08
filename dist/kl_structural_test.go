package dist

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func TestKLTransformedSameTransform(t *testing.T) {
	n1, n2 := Must(NewNormal(0.3, 0.8)), Must(NewNormal(-0.2, 1.4))
	base := klScalar(t, n1, n2)
	for _, ts := range [][]Bijector{
		{Exp{}},
		{Sigmoid{}},
		{Exp{}, Affine{Loc: scalar(1), Scale: scalar(2)}},
		{Compose{Tanh{}, Affine{Loc: scalar(0), Scale: scalar(-3)}}},
	} {
		p := Must(NewTransformed(n1, ts...))
		q := Must(NewTransformed(n2, ts...))
		require.True(t, HasKL(p, q))
		assertRel(t, base, klScalar(t, p, q), 1e-15, "KL invariant under %v", ts)
	}
	// Independently: the quadrature of the two log-normal densities.
	p := Must(NewTransformed(n1, Exp{}))
	q := Must(NewTransformed(n2, Exp{}))
	assert.InDelta(t, klQuad(p, q, 0, math.Inf(1), 1), klScalar(t, p, q), 1e-9, "KL of log-normals by quadrature")
	// Vector transforms too: both sides on the simplex.
	b1 := Must(NormalOf(ad.Row([]float64{0.1, -0.3}), ad.Row([]float64{1, 2})))
	b2 := Must(NormalOf(ad.Row([]float64{0.5, 0}), ad.Row([]float64{0.7, 1})))
	assertRel(t, klScalar(t, b1, b2), klScalar(t, Must(NewTransformed(b1, StickBreaking{})), Must(NewTransformed(b2, StickBreaking{}))), 1e-15, "StickBreaking")
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return TransformedDistribution{Base: Normal{Loc: v[0], Scale: v[1]}, Transforms: []Bijector{Exp{}}},
			TransformedDistribution{Base: Normal{Loc: v[2], Scale: v[3]}, Transforms: []Bijector{Exp{}}}
	}, []ad.Matrix{row(0.1, -0.4), row(0.8, 1.9), mat(0.5), row(1.2, 0.6)}, nil)
}

func TestKLTransformedDifferentTransforms(t *testing.T) {
	n1, n2 := Must(NewNormal(0.3, 0.8)), Must(NewNormal(-0.2, 1.4))
	cases := [][2][]Bijector{
		{{Exp{}}, {Softplus{}}},
		{{Exp{}}, {Exp{}, Exp{}}},
		{{Affine{Loc: scalar(0), Scale: scalar(1)}}, {Affine{Loc: scalar(0), Scale: scalar(2)}}},
	}
	for _, c := range cases {
		p := Must(NewTransformed(n1, c[0]...))
		q := Must(NewTransformed(n2, c[1]...))
		assert.False(t, HasKL(p, q))
		var kl ad.Var
		var err error
		assert.NotPanics(t, func() { kl, err = KL(p, q) })
		assert.True(t, errors.Is(err, ErrNoKL), "%v against %v: %v", c[0], c[1], err)
		assert.Equal(t, ad.Var{}, kl)
	}
	// Transformed against its own base has no rule either.
	_, err := KL(Must(NewTransformed(n1, Exp{})), n2)
	assert.True(t, errors.Is(err, ErrNoKL))
}

func TestKLStructuralComposes(t *testing.T) {
	p := Must(NewNormal(0.2, 1.3))
	q := Must(NormalOf(ad.Row([]float64{0, 1}), ad.Row([]float64{1, 2})))
	want := klValueStruct(t, Must(Expand(p, 1, 2)), q)
	// Independent of an Expanded, against an Independent.
	got := klValueStruct(t, Independent{Base: Must(Expand(p, 1, 2))}, Independent{Base: q})
	assertCloseStruct(t, want, got, 1e-15, "Independent(Expanded) against Independent")
	// Transformed bases that are Expanded.
	tp := Must(NewTransformed(Must(Expand(p, 1, 2)), Exp{}))
	tq := Must(NewTransformed(q, Exp{}))
	assertCloseStruct(t, want, klValueStruct(t, tp, tq), 1e-15, "Transformed(Expanded) against Transformed")
	// Delta inside Independent, against an Expanded Normal.
	d := Independent{Base: Must(DeltaOf(ad.Row([]float64{0.5, -1}), ad.Var{}))}
	kl := klValueStruct(t, d, Must(Expand(p, 1, 2)))
	assertRel(t, -(p.LogProb(ad.Scalar(0.5)).Scalar() + p.LogProb(ad.Scalar(-1)).Scalar()), kl[0], 1e-14, "Delta against Expanded")
	// Event widths that do not broadcast: an error.
	_, err := KL(Must(Expand(p, 1, 3)), q)
	assert.ErrorContains(t, err, "event widths 3 and 2")
}

// TestHasKLConsistent checks that HasKL predicts exactly when KL succeeds.
func TestHasKLConsistent(t *testing.T) {
	n := Must(NewNormal(0, 1))
	n2 := Must(NewNormal(1, 2))
	mix := Must(MixtureLogits(ad.Row([]float64{0, 0}), Must(NormalOf(ad.Col([]float64{-1, 1}), scalar(1)))))
	ds := []Distribution{
		n, n2, mix,
		Independent{Base: n}, Independent{Base: mix},
		Must(Expand(n, 1, 1)), Must(Expand(mix, 1, 1)),
		Must(NewTransformed(n, Exp{})), Must(NewTransformed(n2, Exp{})), Must(NewTransformed(n, Softplus{})),
		Must(NewDelta(0.5)),
	}
	for _, p := range ds {
		for _, q := range ds {
			_, err := KL(p, q)
			assert.Equal(t, err == nil, HasKL(p, q), "HasKL(%T, %T) against KL error %v", p, q, err)
		}
	}
}

func TestPairsListStructuralRules(t *testing.T) {
	var rows []Pair
	for _, p := range Pairs() {
		if p.Kind == Structural {
			rows = append(rows, p)
		}
	}
	assert.Contains(t, rows, Pair{P: "Delta", Q: "*", Kind: Structural})
	assert.Contains(t, rows, Pair{P: "Independent(*)", Q: "*", Kind: Structural})
	assert.Contains(t, rows, Pair{P: "*", Q: "Expanded(*)", Kind: Structural})
	assert.Contains(t, rows, Pair{P: "TransformedDistribution(T, *)", Q: "TransformedDistribution(T, *)", Kind: Structural})
	assert.Contains(t, Pairs(), Pair{P: "Normal", Q: "Normal", Kind: ClosedForm})
	assert.Equal(t, "structural", Structural.String())
}
