package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestExpandedNormal(t *testing.T) {
	base := Must(NewNormal(0.5, 2))
	d, err := Expand(base, 3, 4)
	require.NoError(t, err)
	b, c := d.Shape()
	require.Equal(t, [2]int{3, 4}, [2]int{b, c})
	ref := distuv.Normal{Mu: 0.5, Sigma: 2}
	x := constStruct(randMatStruct(newRNG(3), 6, 4, 2))
	lp := d.LogProb(x).Value()
	require.Len(t, lp, 6)
	for i := range 6 {
		var want float64
		for j := range 4 {
			want += ref.LogProb(x.At(i, j))
		}
		assertRel(t, want, lp[i], 1e-14, "row %d", i)
	}
	assert.Equal(t, []float64{0.5, 0.5, 0.5, 0.5}, d.Mean().Value()[8:12])
	require.Len(t, d.Variance().Value(), 12)
	assert.InDelta(t, 4.0, d.Variance().Value()[11], 1e-15)
	h := d.Entropy().Value()
	require.Len(t, h, 3)
	for i := range 3 {
		assertRel(t, 4*ref.Entropy(), h[i], 1e-14, "entropy row %d", i)
	}
	cdf := d.CDF(x).Value()
	require.Len(t, cdf, 24)
	assertRel(t, ref.CDF(x.At(5, 3)), cdf[23], 1e-14, "CDF")
	// Samples: n*Batch x Event, every column from the base.
	s := d.Sample(newRNG(8), 20000)
	require.Equal(t, [2]int{60000, 4}, [2]int{s.Rows(), s.Cols()})
	for j := range 4 {
		checkSampleMoments(t, columnStruct(s.Value(), 4, j), 0.5, 4, 5, "expanded column")
	}
	// The materialized base is a Normal with 3 x 4 parameters.
	m, ok := d.Materialize().(Normal)
	require.True(t, ok)
	assert.Equal(t, [2]int{3, 4}, [2]int{m.Loc.Rows(), m.Loc.Cols()})
	// Gradients through the broadcast parameters, and the pathwise
	// gradient: z = loc + scale ε, so ∂ Σ z / ∂loc is the number of draws.
	checkLogProbGrad(t, func(ps []ad.Var) Distribution {
		return Expanded{Base: Normal{Loc: ps[0], Scale: ps[1]}, Batch: 2, Event: 3}
	}, []ad.Matrix{mat(0.3), row(0.7, 2.1, 1)}, ad.Matrix{Rows: 2, Cols: 3, Data: []float64{1, 2, -0.5, 0, 0.1, 3}}, nil)
	tp := ad.NewTape()
	loc := tp.Input(1, 1, []float64{0.5})
	z := Expanded{Base: Normal{Loc: loc, Scale: scalar(2)}, Batch: 3, Event: 4}.Rsample(newRNG(1), 5)
	tp.Backward(ad.Sum(z))
	assert.InDelta(t, 60.0, loc.Grad()[0], 1e-12)
}

func TestExpandedShapes(t *testing.T) {
	row2 := Must(NormalOf(ad.Row([]float64{0, 1}), scalar(1)))
	_, err := Expand(row2, 3, 2)
	assert.NoError(t, err)
	_, err = Expand(row2, 3, 3)
	assert.ErrorContains(t, err, "event width 2")
	col2 := Must(NormalOf(ad.Col([]float64{0, 1}), scalar(1)))
	_, err = Expand(col2, 3, 1)
	assert.ErrorContains(t, err, "batch 2")
	_, err = Expand(col2, 4, 1)
	assert.ErrorContains(t, err, "batch 2", "batches broadcast from 1 only")
	_, err = Expand(row2, 0, 2)
	assert.Error(t, err)
	_, err = Expand(Normal{Loc: scalar(0), Scale: scalar(-1)}, 2, 2)
	var pe *ParamError
	require.ErrorAs(t, err, &pe)

	// Through Independent: its Base is expanded.
	ind, err := Expand(Independent{Base: Must(NewNormal(1, 3)), ReinterpretedBatchNdims: 1}, 2, 3)
	require.NoError(t, err)
	mi := ind.Materialize().(Independent)
	assert.Equal(t, 1, mi.ReinterpretedBatchNdims)
	b, c := mi.Base.Shape()
	assert.Equal(t, [2]int{2, 3}, [2]int{b, c})
	assert.Len(t, ind.LogProb(ad.Full(2, 3, 1)).Value(), 2)

	// A mixture is joint over its columns: only its batch expands.
	mix := Must(MixtureLogits(ad.Row([]float64{0, 1}), Must(NormalOf(ad.Col([]float64{-1, 1}), scalar(1)))))
	em, err := Expand(mix, 3, 1)
	require.NoError(t, err)
	lp := em.LogProb(ad.Col([]float64{0.2, 0.2, 0.2})).Value()
	for i := range 3 {
		assertRel(t, logProbAt(mix, 0.2), lp[i], 1e-15, "expanded mixture row %d", i)
	}
	_, err = Expand(mix, 3, 2)
	assert.ErrorContains(t, err, "event width 1")
	assert.False(t, Provides[Reparameterized](em))
	assert.True(t, Provides[Moments](em))
	w1 := math.Exp(1) / (1 + math.Exp(1))
	assertCloseStruct(t, []float64{w1 - (1 - w1), w1 - (1 - w1), w1 - (1 - w1)}, em.Mean().Value(), 1e-15, "expanded mixture mean")

	// TransformedDistribution with an element-wise transform expands its
	// base; with a vector transform only the batch.
	tr, err := Expand(Must(NewTransformed(Must(NewNormal(0, 1)), Exp{})), 2, 3)
	require.NoError(t, err)
	assertRel(t, 3*distuv.LogNormal{Mu: 0, Sigma: 1}.LogProb(2), tr.LogProb(ad.Full(1, 3, 2)).Value()[1], 1e-14, "expanded log-normal")
	sb := Must(NewTransformed(Must(NormalOf(ad.Row([]float64{0, 0}), scalar(1))), StickBreaking{}))
	_, err = Expand(sb, 2, 3)
	assert.NoError(t, err)
	_, err = Expand(sb, 2, 4)
	assert.Error(t, err)

	// Delta: the point and its log-density broadcast.
	ed, err := Expand(Must(DeltaOf(scalar(1.5), scalar(0.25))), 2, 3)
	require.NoError(t, err)
	assert.Equal(t, []float64{0.75, 0.75}, ed.LogProb(ad.Full(2, 3, 1.5)).Value())
	assert.Equal(t, []float64{1.5, 1.5, 1.5, 1.5, 1.5, 1.5}, ed.Sample(nil, 1).Value())

	// Expanding an Expanded goes straight to the base.
	e1 := Must(Expand(Must(NewNormal(0, 1)), 1, 3))
	e2, err := Expand(e1, 4, 3)
	require.NoError(t, err)
	_, ok := e2.Materialize().(Normal)
	assert.True(t, ok)
	b, c = e2.Shape()
	assert.Equal(t, [2]int{4, 3}, [2]int{b, c})
	_, err = Expand(e1, 4, 2)
	assert.Error(t, err)
}

func TestKLExpanded(t *testing.T) {
	p := Must(NewNormal(0.2, 1.3))
	q := Must(NormalOf(ad.Row([]float64{0, 1, -1}), ad.Row([]float64{1, 2, 0.5})))
	ep := Must(Expand(p, 1, 3))
	kl := klValueStruct(t, ep, q)
	require.Len(t, kl, 1)
	var want float64
	for j := range 3 {
		// KL(N(m1, s1) || N(m2, s2)) = log(s2/s1) + (s1² + (m1-m2)²)/(2 s2²) - 1/2.
		m2, s2 := q.Loc.At(0, j), q.Scale.At(0, j)
		want += math.Log(s2/1.3) + (1.3*1.3+(0.2-m2)*(0.2-m2))/(2*s2*s2) - 0.5
	}
	assertRel(t, want, kl[0], 1e-13, "KL(Expanded || Normal) sums the columns")
	// Expanded on the right, and on both sides with a batch.
	qb := Must(NormalOf(ad.Col([]float64{0, 1}), scalar(2)))
	kl = klValueStruct(t, qb, Must(Expand(p, 2, 1)))
	require.Len(t, kl, 2)
	assertCloseStruct(t, klValueStruct(t, qb, p), kl, 1e-15, "KL(Normal || Expanded)")
	assert.True(t, HasKL(ep, q))
	assert.True(t, HasKL(q, ep))
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Expanded{Base: Normal{Loc: v[0], Scale: v[1]}, Batch: 2, Event: 2}, Normal{Loc: v[2], Scale: v[3]}
	}, []ad.Matrix{mat(0.1), mat(0.8), row(0.5, -0.5), col(1.2, 0.6)}, nil)
}
