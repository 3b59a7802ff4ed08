package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestCategoricalAgainstGonum(t *testing.T) {
	w := []float64{0.1, 0.25, 0, 0.65}
	ref := distuv.NewCategorical(w, nil)
	logits := make([]float64, len(w))
	for j, v := range w {
		logits[j] = math.Log(v) + 3 // unnormalized; log 0 = -Inf masks category 2
	}
	scaled := []float64{0.2, 0.5, 0, 1.3} // normalized by the sum, as torch does
	for fi, d := range []Categorical{Must(NewCategorical(w...)), Must(CategoricalLogits(logits...)), Must(NewCategorical(scaled...))} {
		b, c := d.Shape()
		require.Equal(t, [2]int{1, 1}, [2]int{b, c})
		var z float64
		for k := 0; k < 4; k++ {
			want, got := ref.LogProb(float64(k)), logProbAt(d, float64(k))
			z += math.Exp(got)
			if math.IsInf(want, -1) {
				assert.True(t, math.IsInf(got, -1), "form %d k=%d", fi, k)
				continue
			}
			assertRel(t, want, got, 1e-14, "form %d k=%d", fi, k)
		}
		assert.InDelta(t, 1, z, 1e-15, "normalized")
		assertRel(t, ref.Entropy(), d.Entropy().Scalar(), 1e-14, "entropy form %d", fi)
		for _, x := range []float64{-1, 4, 1.5, math.NaN()} {
			assert.True(t, math.IsInf(logProbAt(d, x), -1), "outside the support at %v", x)
		}
	}
}

func TestCategoricalBatch(t *testing.T) {
	probs := ad.Const(2, 3, []float64{0.2, 0.3, 0.5, 0.6, 0.1, 0.3})
	d := Must(CategoricalOf(probs))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 1}, [2]int{b, c})
	// Six values tile the batch three times.
	x := ad.Col([]float64{0, 1, 2, 2, 1, 0})
	lp := d.LogProb(x).Value()
	for i, k := range []int{0, 1, 2, 2, 1, 0} {
		assertRel(t, math.Log(probs.At(i%2, k)), lp[i], 1e-15, "row %d", i)
	}
	// One value against the whole batch.
	lp = d.LogProb(ad.Scalar(2)).Value()
	require.Len(t, lp, 2)
	assertRel(t, math.Log(0.3), lp[1], 1e-15, "broadcast value")
	h := d.Entropy().Value()
	assertRel(t, distuv.NewCategorical([]float64{0.6, 0.1, 0.3}, nil).Entropy(), h[1], 1e-14, "entropy row 1")
	assert.Panics(t, func() { d.LogProb(ad.Col([]float64{0, 1, 2})) }, "3 rows against a batch of 2")
	assert.Panics(t, func() { d.LogProb(ad.Row([]float64{0, 1})) }, "two columns")
}

func TestCategoricalGradients(t *testing.T) {
	x := ad.Matrix{Rows: 4, Cols: 1, Data: []float64{0, 2, 1, 1}}
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Categorical{Probs: ps[0]} },
		[]ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0.2, 0.3, 0.5, 0.6, 0.1, 0.3}}}, x, nil)
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Categorical{Logits: ps[0]} },
		[]ad.Matrix{row(0.3, -1, 2)}, x, nil)
	for _, lg := range []bool{false, true} {
		err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			if lg {
				return Categorical{Logits: v[0]}.Entropy()
			}
			return Categorical{Probs: v[0]}.Entropy()
		}, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0.2, 0.3, 0.5, 0.6, 0.1, 0.3}}}, nil)
		assert.NoError(t, err, "entropy gradient (logits %v)", lg)
	}
	// Masked logits: the masked category gets a zero partial, no NaN.
	tp := ad.NewTape()
	l := tp.Input(1, 3, []float64{0.5, math.Inf(-1), -0.2})
	tp.Backward(ad.Add(ad.Sum(Categorical{Logits: l}.LogProb(ad.Scalar(0))), ad.Sum(Categorical{Logits: l}.Entropy())))
	for _, g := range l.Grad() {
		assert.False(t, math.IsNaN(g))
	}
	assert.Equal(t, 0.0, l.Grad()[1])
}

func TestCategoricalSampling(t *testing.T) {
	rng := rngDiscrete(61)
	w := []float64{0.05, 0.4, 0, 0.3, 0.25}
	for _, d := range []Categorical{Must(NewCategorical(w...)), Must(CategoricalLogits(0.1, -2, 1.3))} {
		xs := d.Sample(rng, 100000).Value()
		checkFrequenciesDiscrete(t, xs, func(k int) float64 {
			if k >= len(w) && d.Probs != (ad.Var{}) {
				return 0
			}
			return math.Exp(logProbAt(d, float64(k)))
		}, "Categorical")
	}
	// Layout: row k*B+b draws from batch row b.
	d := Must(CategoricalOf(ad.Const(2, 3, []float64{0, 0, 1, 1, 0, 0})))
	s := d.Sample(rng, 4)
	assert.Equal(t, []float64{2, 0, 2, 0, 2, 0, 2, 0}, s.Value())
}

func TestCategoricalValidate(t *testing.T) {
	var pe *ParamError
	_, err := NewCategorical(0.5, -0.1)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "probs", pe.Param)
	_, err = NewCategorical(0, 0)
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, err.Error(), "positive sum")
	_, err = CategoricalLogits(math.Inf(-1), math.Inf(-1))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "logits", pe.Param)
	_, err = CategoricalLogits(0, math.NaN())
	require.ErrorAs(t, err, &pe)
	_, err = CategoricalLogits(0, math.Inf(1))
	require.ErrorAs(t, err, &pe)
	assert.Error(t, Categorical{}.Validate())
}

func TestCategoricalEnumerate(t *testing.T) {
	d := Must(CategoricalOf(ad.Const(2, 3, []float64{1, 1, 2, 0.6, 0.1, 0.3})))
	var ms []float64
	for m := range d.Enumerate(0, 0) {
		ms = append(ms, m.Mass)
	}
	assert.InDeltaSlice(t, []float64{0.25, 0.25, 0.5}, ms, 1e-16)
	assert.Panics(t, func() { d.Enumerate(0, 1) })
}

func TestOneHotCategorical(t *testing.T) {
	probs := ad.Const(2, 3, []float64{0.2, 0.3, 0.5, 0.6, 0.1, 0.3})
	d := Must(OneHotCategoricalOf(probs))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{b, c})
	x := ad.Const(4, 3, []float64{1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0})
	lp := d.LogProb(x).Value()
	for i, k := range []int{0, 2, 1, 1} {
		assertRel(t, math.Log(probs.At(i%2, k)), lp[i], 1e-15, "row %d", i)
	}
	for _, bad := range [][]float64{{1, 1, 0}, {0, 0, 0}, {0.5, 0.5, 0}, {0, 2, 0}} {
		assert.True(t, math.IsInf(d.LogProb(ad.Row(bad)).Value()[0], -1), "%v is not one-hot", bad)
	}
	// Against Categorical.
	cat := Categorical{Probs: probs}
	assertRel(t, cat.Entropy().Value()[1], d.Entropy().Value()[1], 1e-15, "entropy")
	m, v := d.Mean(), d.Variance()
	assert.InDelta(t, 0.1, m.At(1, 1), 1e-16)
	assert.InDelta(t, 0.09, v.At(1, 1), 1e-16)
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return OneHotCategorical{Probs: ps[0]} }, []ad.Matrix{probs.Matrix()}, x.Matrix(), nil)
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return OneHotCategorical{Logits: ps[0]} }, []ad.Matrix{row(0.3, -1, 2)}, x.Matrix(), nil)
	// Sampling: one-hot rows with the category frequencies of the pmf.
	rng := rngDiscrete(71)
	one := Must(OneHotCategoricalLogits(0.3, -1, 2, 0))
	s := one.Sample(rng, 50000)
	require.NoError(t, OneHot{}.Check(s))
	idx := make([]float64, s.Rows())
	for i := range idx {
		idx[i] = float64(oneHotIndex(s.Value()[i*4 : (i+1)*4]))
	}
	cl := Must(CategoricalLogits(0.3, -1, 2, 0))
	checkFrequenciesDiscrete(t, idx, func(k int) float64 { return math.Exp(logProbAt(cl, float64(k))) }, "OneHotCategorical")
	var pe *ParamError
	_, err := NewOneHotCategorical(1, math.NaN())
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "probs", pe.Param)
}

func TestMultinomial(t *testing.T) {
	probs := ad.Const(2, 3, []float64{0.2, 0.3, 0.5, 0.6, 0.1, 0.3})
	n := ad.Col([]float64{5, 2})
	d := Must(MultinomialOf(n, probs))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{b, c})
	x := ad.Const(4, 3, []float64{1, 2, 2, 0, 0, 2, 5, 0, 0, 1, 1, 0})
	lp := d.LogProb(x).Value()
	// Independent formula: n!/Π x_j! Π p_j^x_j with exact factorials.
	fact := func(k float64) float64 { return math.Gamma(k + 1) }
	for i := 0; i < 4; i++ {
		want := fact(n.At(i%2, 0))
		for j := 0; j < 3; j++ {
			want *= math.Pow(probs.At(i%2, j), x.At(i, j)) / fact(x.At(i, j))
		}
		assertRel(t, math.Log(want), lp[i], 1e-14, "row %d", i)
	}
	for _, bad := range [][]float64{{1, 1, 1}, {-1, 3, 3}, {0.5, 2.5, 2}} {
		assert.True(t, math.IsInf(Must(NewMultinomial(5, 0.2, 0.3, 0.5)).LogProb(ad.Row(bad)).Value()[0], -1), "%v", bad)
	}
	// Normalization by summation over all count rows of total 6.
	m := Must(MultinomialLogits(6, 0.2, -1, 1.1))
	var z float64
	for a := 0; a <= 6; a++ {
		for bb := 0; a+bb <= 6; bb++ {
			z += math.Exp(m.LogProb(ad.Row([]float64{float64(a), float64(bb), float64(6 - a - bb)})).Value()[0])
		}
	}
	assert.InDelta(t, 1, z, 1e-14, "normalized")
	// Mean and variance.
	assert.InDelta(t, 5*0.3, d.Mean().At(0, 1), 1e-15)
	assert.InDelta(t, 2*0.6*0.4, d.Variance().At(1, 0), 1e-15)
	// Gradients (the total count is held fixed).
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Multinomial{TotalCount: n, Probs: ps[0]} }, []ad.Matrix{probs.Matrix()}, x.Matrix(), nil)
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Multinomial{TotalCount: n, Logits: ps[0]} }, []ad.Matrix{row(0.3, -1, 2)}, x.Matrix(), nil)
	// Sampling: rows sum to the total; each column is Binomial(n, p_j);
	// moments of the first column within 5 standard errors.
	rng := rngDiscrete(81)
	ms := Must(NewMultinomial(20, 0.15, 0.5, 0.35)).Sample(rng, 40000)
	require.NoError(t, MultinomialSupport{Total: ad.Scalar(20)}.Check(ms))
	for j, p := range []float64{0.15, 0.5, 0.35} {
		colj := make([]float64, ms.Rows())
		for i := range colj {
			colj[i] = ms.At(i, j)
		}
		bin := Must(NewBinomial(20, p))
		checkFrequenciesDiscrete(t, colj, func(k int) float64 { return math.Exp(logProbAt(bin, float64(k))) }, "Multinomial column")
		checkMomentsDiscrete(t, colj, 20*p, 20*p*(1-p), 5, "Multinomial column")
	}
	var pe *ParamError
	_, err := NewMultinomial(2.5, 0.5, 0.5)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "total_count", pe.Param)
	_, err = MultinomialOf(ad.Row([]float64{1, 2}), ad.Row([]float64{0.5, 0.5}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "one column")
}
