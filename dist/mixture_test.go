package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

// twoNormalsStruct is the mixture 0.3 N(-1, 0.5) + 0.7 N(2, 1.5).
func twoNormalsStruct(t *testing.T) MixtureSameFamily {
	t.Helper()
	comps := Must(NormalOf(ad.Col([]float64{-1, 2}), ad.Col([]float64{0.5, 1.5})))
	m, err := MixtureProbs(ad.Row([]float64{0.3, 0.7}), comps)
	require.NoError(t, err)
	return m
}

func TestMixtureTwoNormals(t *testing.T) {
	m := twoNormalsStruct(t)
	b, c := m.Shape()
	require.Equal(t, [2]int{1, 1}, [2]int{b, c})
	n1, n2 := distuv.Normal{Mu: -1, Sigma: 0.5}, distuv.Normal{Mu: 2, Sigma: 1.5}
	for _, x := range []float64{-30, -1, 0, 0.7, 2, 9} {
		// The density summed by hand (log-sum-exp so the tails stay finite).
		a, bb := math.Log(0.3)+n1.LogProb(x), math.Log(0.7)+n2.LogProb(x)
		mx := math.Max(a, bb)
		want := mx + math.Log(math.Exp(a-mx)+math.Exp(bb-mx))
		assertRel(t, want, logProbAt(m, x), 1e-13, "mixture at %v", x)
	}
	checkNormalized(t, m, math.Inf(-1), math.Inf(1), 1e-9, -1, 2)
	// Logits give the same mixture: any shift of the logits.
	comps := m.Components
	ml := Must(MixtureLogits(ad.Row([]float64{math.Log(0.3) + 5, math.Log(0.7) + 5}), comps))
	assertRel(t, logProbAt(m, 0.4), logProbAt(ml, 0.4), 1e-14, "logits and probs")
	// Mean and variance against quadrature.
	mean := integrate(func(x float64) float64 { return x * math.Exp(logProbAt(m, x)) }, math.Inf(-1), math.Inf(1), -1, 2)
	vari := integrate(func(x float64) float64 { return (x - mean) * (x - mean) * math.Exp(logProbAt(m, x)) }, math.Inf(-1), math.Inf(1), -1, 2)
	assertRel(t, mean, m.Mean().Scalar(), 1e-9, "mixture mean")
	assertRel(t, vari, m.Variance().Scalar(), 1e-9, "mixture variance")
	assertRel(t, 0.3*(-1)+0.7*2, m.Mean().Scalar(), 1e-14, "mixture mean by hand")
	assert.Equal(t, "real", m.Support().String())
}

func TestMixtureBatches(t *testing.T) {
	// B = 2 mixtures of K = 2 components each: components B*K = 4 rows
	// (row b*K+k), values tiled twice (4 rows).
	loc := []float64{-1, 1, 0, 3}
	scale := []float64{0.5, 2, 1, 0.7}
	logits := []float64{0.2, -0.3, 1.5, 0}
	m := Must(MixtureLogits(ad.Const(2, 2, logits), Must(NormalOf(ad.Col(loc), ad.Col(scale)))))
	b, _ := m.Shape()
	require.Equal(t, 2, b)
	xs := []float64{0.3, -2, 1.7, 4}
	lp := m.LogProb(ad.Col(xs)).Value()
	require.Len(t, lp, 4)
	for i, x := range xs {
		bb := i % 2
		w0, w1 := logits[2*bb], logits[2*bb+1]
		z := math.Log(math.Exp(w0) + math.Exp(w1))
		want := math.Log(math.Exp(w0-z)*distuv.Normal{Mu: loc[2*bb], Sigma: scale[2*bb]}.Prob(x) +
			math.Exp(w1-z)*distuv.Normal{Mu: loc[2*bb+1], Sigma: scale[2*bb+1]}.Prob(x))
		assertRel(t, want, lp[i], 1e-13, "row %d", i)
	}
	// Shared components (K rows) with B = 2 rows of logits; a single value
	// row is scored against both mixtures.
	ms := Must(MixtureLogits(ad.Const(2, 2, logits), Must(NormalOf(ad.Col(loc[:2]), ad.Col(scale[:2])))))
	one := ms.LogProb(ad.Scalar(0.3)).Value()
	require.Len(t, one, 2)
	for bb := range 2 {
		w0, w1 := logits[2*bb], logits[2*bb+1]
		z := math.Log(math.Exp(w0) + math.Exp(w1))
		want := math.Log(math.Exp(w0-z)*distuv.Normal{Mu: loc[0], Sigma: scale[0]}.Prob(0.3) +
			math.Exp(w1-z)*distuv.Normal{Mu: loc[1], Sigma: scale[1]}.Prob(0.3))
		assertRel(t, want, one[bb], 1e-13, "shared components, mixture %d", bb)
	}
	// Two-column components: each component scores the row jointly (a
	// product of its columns), the mixture does not factor over columns.
	c2 := Must(NormalOf(ad.Const(2, 2, []float64{0, 1, -2, 0.5}), ad.Const(2, 2, []float64{1, 0.5, 2, 1})))
	m2 := Must(MixtureProbs(ad.Row([]float64{0.4, 0.6}), c2))
	x := []float64{0.3, 0.9}
	p0 := distuv.Normal{Mu: 0, Sigma: 1}.Prob(x[0]) * distuv.Normal{Mu: 1, Sigma: 0.5}.Prob(x[1])
	p1 := distuv.Normal{Mu: -2, Sigma: 2}.Prob(x[0]) * distuv.Normal{Mu: 0.5, Sigma: 1}.Prob(x[1])
	assertRel(t, math.Log(0.4*p0+0.6*p1), m2.LogProb(ad.Row(x)).Scalar(), 1e-13, "two-column components")
	// Mean and variance per column by hand (law of total variance).
	mean := m2.Mean().Value()
	vari := m2.Variance().Value()
	assertCloseStruct(t, []float64{0.4*0 + 0.6*(-2), 0.4*1 + 0.6*0.5}, mean, 1e-14, "two-column mean")
	v0 := 0.4*(1+math.Pow(0-mean[0], 2)) + 0.6*(4+math.Pow(-2-mean[0], 2))
	v1 := 0.4*(0.25+math.Pow(1-mean[1], 2)) + 0.6*(1+math.Pow(0.5-mean[1], 2))
	assertCloseStruct(t, []float64{v0, v1}, vari, 1e-14, "two-column variance")
	// Batched mean with B*K components.
	bm := m.Mean().Value()
	require.Len(t, bm, 2)
	for bb := range 2 {
		w0, w1 := logits[2*bb], logits[2*bb+1]
		p := math.Exp(w0) / (math.Exp(w0) + math.Exp(w1))
		assertRel(t, p*loc[2*bb]+(1-p)*loc[2*bb+1], bm[bb], 1e-14, "batched mean %d", bb)
	}
}

func TestMixtureGradients(t *testing.T) {
	build := func(ps []ad.Var) Distribution {
		return MixtureSameFamily{Logits: ps[0], Components: Normal{Loc: ps[1], Scale: ps[2]}}
	}
	checkLogProbGrad(t, build, []ad.Matrix{row(0.2, -0.5, 1), col(-1, 0.5, 2), col(0.7, 1.2, 0.4)}, col(0.1, -1.3, 2.2), nil)
	// Batched: B = 2, components B*K = 4 rows of 2 columns.
	checkLogProbGrad(t, build, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.1, -0.2, 0.7, 0.3}},
		{Rows: 4, Cols: 2, Data: []float64{0, 1, -1, 0.5, 2, 0, 0.3, -0.3}}, col(1, 0.5, 2, 1.5)},
		ad.Matrix{Rows: 4, Cols: 2, Data: []float64{0.3, 0.2, -1, 1, 0.5, 0.5, 2, -0.1}}, nil)
	// Mean and variance with respect to logits and component parameters.
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		m := MixtureSameFamily{Logits: v[0], Components: Normal{Loc: v[1], Scale: v[2]}}
		return ad.ConcatCols(m.Mean(), m.Variance())
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.1, -0.2, 0.7, 0.3}}, col(-1, 0.5), col(0.7, 1.2)}, nil)
	assert.NoError(t, err, "Mean and Variance gradients")
}

func TestMixtureSampling(t *testing.T) {
	m := twoNormalsStruct(t)
	rng := newRNG(21)
	const n = 200000
	xs := m.Sample(rng, n).Value()
	require.Len(t, xs, n)
	checkSampleMoments(t, xs, m.Mean().Scalar(), m.Variance().Scalar(), 5, "two-normal mixture")
	n1, n2 := distuv.Normal{Mu: -1, Sigma: 0.5}, distuv.Normal{Mu: 2, Sigma: 1.5}
	checkKSValues(t, xs[:20000], func(x float64) float64 { return 0.3*n1.CDF(x) + 0.7*n2.CDF(x) }, "two-normal mixture")
	// Batched mixtures: row s*B+b comes from mixture b. Mixture 0 is
	// almost surely component 0 (N(-5, 0.1)), mixture 1 component 1 (N(5, 0.1)).
	mb := Must(MixtureLogits(ad.Const(2, 2, []float64{30, 0, 0, 30}),
		Must(NormalOf(ad.Col([]float64{-5, 5}), scalar(0.1)))))
	s := mb.Sample(rng, 1000).Value()
	require.Len(t, s, 2000)
	checkSampleMoments(t, columnStruct(s, 2, 0), -5, 0.01, 5, "mixture 0")
	checkSampleMoments(t, columnStruct(s, 2, 1), 5, 0.01, 5, "mixture 1")
}

func TestMixtureValidateAndProvides(t *testing.T) {
	comps := Must(NormalOf(ad.Col([]float64{-1, 2}), scalar(1)))
	var pe *ParamError
	_, err := MixtureLogits(ad.Row([]float64{0, math.NaN()}), comps)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "logits", pe.Param)
	_, err = MixtureLogits(ad.Row([]float64{math.Inf(-1), math.Inf(-1)}), comps)
	require.ErrorAs(t, err, &pe)
	_, err = MixtureProbs(ad.Row([]float64{-0.1, 1.1}), comps)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "probs", pe.Param)
	_, err = MixtureProbs(ad.Row([]float64{0, 0}), comps)
	require.ErrorAs(t, err, &pe)
	// A zero probability is allowed: that component has weight 0.
	m0 := Must(MixtureProbs(ad.Row([]float64{0, 1}), comps))
	assertRel(t, distuv.Normal{Mu: 2, Sigma: 1}.LogProb(0.5), logProbAt(m0, 0.5), 1e-14, "zero weight")
	// Three components against two logits.
	_, err = MixtureLogits(ad.Row([]float64{0, 0}), Must(NormalOf(ad.Col([]float64{0, 1, 2}), scalar(1))))
	assert.ErrorContains(t, err, "components have batch 3")
	// Invalid component parameters come through.
	_, err = MixtureLogits(ad.Row([]float64{0, 0}), Normal{Loc: ad.Col([]float64{0, 1}), Scale: scalar(-1)})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scale", pe.Param)

	m := twoNormalsStruct(t)
	assert.True(t, Provides[Moments](m))
	assert.False(t, Provides[Reparameterized](m))
	assert.False(t, Provides[Entropic](m))
	// Components without closed-form moments: no moments for the mixture,
	// and calling Mean is a programmer error.
	mt := Must(MixtureLogits(ad.Row([]float64{0, 0}), Must(NewTransformed(comps, Exp{}))))
	assert.False(t, Provides[Moments](mt))
	assert.PanicsWithValue(t, "dist: MixtureSameFamily: components dist.TransformedDistribution have no Mean and Variance (check dist.Provides first)", func() { mt.Mean() })
}
