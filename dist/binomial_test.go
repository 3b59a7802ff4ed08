package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestBinomialAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{1, 0.3}, {10, 0.5}, {25, 0.07}, {60, 0.83}} {
		n, p := c[0], c[1]
		ref := distuv.Binomial{N: n, P: p}
		exact := binomialPMFBigDiscrete(int(n), p, false)
		for fi, d := range []Binomial{Must(NewBinomial(n, p)), Must(BinomialLogits(n, math.Log(p/(1-p))))} {
			for k := 0.0; k <= n; k++ {
				got := logProbAt(d, k)
				assertRel(t, ref.LogProb(k), got, 1e-11, "gonum n=%v p=%v form %d k=%v", n, p, fi, k)
				assertRel(t, math.Log(f64Discrete(exact.mass(int(k)))), got, 1e-12, "exact n=%v p=%v form %d k=%v", n, p, fi, k)
				assertRel(t, ref.CDF(k), d.CDF(ad.Scalar(k+0.5)).Scalar(), 1e-11, "cdf n=%v k=%v", n, k)
			}
			assert.InDelta(t, 1, sumMassDiscrete(d, int(n)), 1e-14, "normalized n=%v p=%v", n, p)
			assertRel(t, ref.Mean(), d.Mean().Scalar(), 1e-14, "mean")
			assertRel(t, ref.Variance(), d.Variance().Scalar(), 1e-14, "variance")
		}
	}
	d := Must(NewBinomial(5, 0.4))
	for _, x := range []float64{-1, 6, 2.5} {
		assert.True(t, math.IsInf(logProbAt(d, x), -1), "outside the support at %v", x)
	}
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(-0.5)).Scalar())
	assert.Equal(t, 1.0, d.CDF(ad.Scalar(5)).Scalar())
	// Boundary probabilities are point masses.
	assert.Equal(t, 0.0, logProbAt(Must(NewBinomial(5, 0)), 0))
	assert.True(t, math.IsInf(logProbAt(Must(NewBinomial(5, 0)), 1), -1))
	assert.Equal(t, 0.0, logProbAt(Must(NewBinomial(5, 1)), 5))
	assert.Equal(t, 0.0, logProbAt(Must(NewBinomial(0, 0.3)), 0))
}

func TestBinomialBatch(t *testing.T) {
	// total_count a column (2 rows), probs a row (3 columns): a 2x3 batch;
	// the value tiles it twice.
	n := ad.Col([]float64{4, 9})
	probs := ad.Row([]float64{0.2, 0.5, 0.9})
	d := Must(BinomialOf(n, probs))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{b, c})
	x := ad.Const(4, 3, []float64{0, 2, 4, 9, 3, 8, 1, 1, 1, 0, 0, 9})
	lp := d.LogProb(x).Value()
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 3; j++ {
			want += distuv.Binomial{N: n.At(i%2, 0), P: probs.At(0, j)}.LogProb(x.At(i, j))
		}
		assertRel(t, want, lp[i], 1e-12, "row %d", i)
	}
	m := d.Mean()
	require.Equal(t, [2]int{2, 3}, [2]int{m.Rows(), m.Cols()})
	assert.InDelta(t, 9*0.9, m.At(1, 2), 1e-14)
}

func TestBinomialGradients(t *testing.T) {
	x := ad.Matrix{Rows: 4, Cols: 2, Data: []float64{0, 3, 5, 7, 2, 2, 1, 8}}
	n := ad.Const(1, 2, []float64{6, 8})
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Binomial{TotalCount: n, Probs: ps[0]} },
		[]ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.2, 0.7, 0.45, 0.9}}}, x, nil)
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Binomial{TotalCount: n, Logits: ps[0]} },
		[]ad.Matrix{col(-1.3, 2.2)}, x, nil)
	xc := ad.Const(2, 3, []float64{0, 2.5, 5, -1, 3, 8})
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return Binomial{TotalCount: ad.Scalar(8), Probs: v[0]}.CDF(xc)
	}, []ad.Matrix{row(0.3, 0.55, 0.8)}, nil)
	assert.NoError(t, err, "CDF gradient (probs)")
	err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return Binomial{TotalCount: ad.Scalar(8), Logits: v[0]}.CDF(xc)
	}, []ad.Matrix{row(-0.3, 0.55, 1.8)}, nil)
	assert.NoError(t, err, "CDF gradient (logits)")
	// The partial with respect to the integer total count is 0.
	tp := ad.NewTape()
	nv := tp.Input(1, 1, []float64{5})
	tp.Backward(ad.Sum(Binomial{TotalCount: nv, Probs: ad.Scalar(0.3)}.LogProb(ad.Scalar(2))))
	assert.Equal(t, []float64{0}, nv.Grad())
}

func TestBinomialSampling(t *testing.T) {
	rng := rngDiscrete(21)
	for _, c := range [][2]float64{{10, 0.3}, {30, 0.02}, {60, 0.7}, {200, 0.45}} {
		d := Must(NewBinomial(c[0], c[1]))
		xs := d.Sample(rng, 60000).Value()
		checkFrequenciesDiscrete(t, xs, func(k int) float64 { return math.Exp(logProbAt(d, float64(k))) }, "Binomial")
		checkMomentsDiscrete(t, xs, d.Mean().Scalar(), d.Variance().Scalar(), 5, "Binomial")
	}
}

func TestBinomialValidate(t *testing.T) {
	var pe *ParamError
	_, err := NewBinomial(-1, 0.5)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "total_count", pe.Param)
	_, err = NewBinomial(2.5, 0.5)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "total_count", pe.Param)
	assert.Contains(t, err.Error(), "total_count[0] = 2.5")
	_, err = NewBinomial(3, -0.1)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "probs", pe.Param)
	_, err = BinomialLogits(3, math.NaN())
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "logits", pe.Param)
	_, err = BinomialOf(ad.Row([]float64{1, 2}), ad.Row([]float64{0.1, 0.2, 0.3}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
}

func TestBinomialEnumerate(t *testing.T) {
	d := Must(NewBinomial(7, 0.35))
	exact := binomialPMFBigDiscrete(7, 0.35, false)
	k := 0
	for m := range d.Enumerate(0, 0) {
		require.Equal(t, k, m.K)
		assertRel(t, f64Discrete(exact.mass(k)), m.Mass, 1e-13, "mass %d", k)
		if k == 7 {
			assert.Equal(t, 0.0, m.Tail)
		}
		k++
	}
	assert.Equal(t, 8, k)
}
