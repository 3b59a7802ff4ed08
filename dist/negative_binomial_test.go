package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func TestNegativeBinomialMass(t *testing.T) {
	for _, c := range [][2]float64{{0.5, 0.2}, {1, 0.6}, {3.7, 0.45}, {12, 0.9}, {2, 0}} {
		r, p := c[0], c[1]
		exact := nbPMFBigDiscrete(r, p, false, 0)
		forms := []NegativeBinomial{Must(NewNegativeBinomial(r, p))}
		if p > 0 {
			forms = append(forms, Must(NegativeBinomialLogits(r, math.Log(p/(1-p)))))
		}
		for fi, d := range forms {
			cdf := bfDiscrete(0)
			for k := 0; k <= 60; k++ {
				m := exact.mass(k)
				cdf.Add(cdf, m)
				got := logProbAt(d, float64(k))
				if m.Sign() == 0 {
					assert.True(t, math.IsInf(got, -1), "r=%v p=%v k=%d", r, p, k)
					continue
				}
				assertRel(t, f64Discrete(logBigDiscrete(m)), got, 1e-12, "logpmf r=%v p=%v form %d k=%d", r, p, fi, k)
				if k%7 == 0 {
					assertRel(t, f64Discrete(cdf), d.CDF(ad.Scalar(float64(k)+0.5)).Scalar(), 1e-11, "cdf r=%v p=%v k=%d", r, p, k)
				}
			}
			assert.InDelta(t, 1, sumMassDiscrete(d, 3000), 1e-13, "normalized r=%v p=%v", r, p)
			m1, m2 := momentsByMassDiscrete(d, 3000)
			assert.InDelta(t, m1, d.Mean().Scalar(), 1e-12*math.Max(1, m1), "mean r=%v p=%v", r, p)
			assert.InDelta(t, m2, d.Variance().Scalar(), 1e-11*math.Max(1, m2), "variance r=%v p=%v", r, p)
		}
	}
	d := Must(NewNegativeBinomial(2, 0.3))
	for _, x := range []float64{-1, 0.5} {
		assert.True(t, math.IsInf(logProbAt(d, x), -1), "outside the support at %v", x)
	}
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(-0.5)).Scalar())
}

func TestNegativeBinomialBatchAndGradients(t *testing.T) {
	r := ad.Col([]float64{1.5, 4})
	probs := ad.Row([]float64{0.2, 0.7})
	d := Must(NegativeBinomialOf(r, probs))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 2}, [2]int{b, c})
	x := ad.Const(4, 2, []float64{0, 3, 5, 1, 2, 2, 0, 9})
	lp := d.LogProb(x).Value()
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 2; j++ {
			want += f64Discrete(logBigDiscrete(nbPMFBigDiscrete(r.At(i%2, 0), probs.At(0, j), false, 0).mass(int(x.At(i, j)))))
		}
		assertRel(t, want, lp[i], 1e-12, "row %d", i)
	}
	xm := x.Matrix()
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return NegativeBinomial{TotalCount: ps[0], Probs: ps[1]} },
		[]ad.Matrix{col(1.5, 4), row(0.2, 0.7)}, xm, nil)
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return NegativeBinomial{TotalCount: ps[0], Logits: ps[1]} },
		[]ad.Matrix{mat(2.3), {Rows: 2, Cols: 2, Data: []float64{-1, 0.3, 1.2, 2}}}, xm, nil)
	// CDF gradients: k below the mode (direct sum) and above it (the
	// complementary series), probs and logits.
	xc := ad.Const(2, 3, []float64{0, 2, 5, 11, 40, -1})
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return NegativeBinomial{TotalCount: v[0], Probs: v[1]}.CDF(xc)
	}, []ad.Matrix{mat(6.5), mat(0.7)}, nil)
	assert.NoError(t, err, "CDF gradient (probs)")
	err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return NegativeBinomial{TotalCount: v[0], Logits: v[1]}.CDF(xc)
	}, []ad.Matrix{mat(0.8), mat(0.4)}, nil)
	assert.NoError(t, err, "CDF gradient (logits)")
}

func TestNegativeBinomialSampling(t *testing.T) {
	rng := rngDiscrete(51)
	for _, c := range [][2]float64{{0.7, 0.4}, {5, 0.6}, {30, 0.2}} {
		d := Must(NewNegativeBinomial(c[0], c[1]))
		xs := d.Sample(rng, 100000).Value()
		checkFrequenciesDiscrete(t, xs, func(k int) float64 { return math.Exp(logProbAt(d, float64(k))) }, "NegativeBinomial")
		checkMomentsDiscrete(t, xs, d.Mean().Scalar(), d.Variance().Scalar(), 5, "NegativeBinomial")
	}
}

func TestNegativeBinomialValidate(t *testing.T) {
	var pe *ParamError
	for _, r := range []float64{0, -2, math.Inf(1)} {
		_, err := NewNegativeBinomial(r, 0.5)
		require.ErrorAs(t, err, &pe, "r=%v", r)
		assert.Equal(t, "total_count", pe.Param)
	}
	for _, p := range []float64{1, -0.1} {
		_, err := NewNegativeBinomial(2, p)
		require.ErrorAs(t, err, &pe, "p=%v", p)
		assert.Equal(t, "probs", pe.Param)
	}
}

func TestNegativeBinomialEnumerate(t *testing.T) {
	d := Must(NewNegativeBinomial(2.5, 0.55))
	checkEnumerateDiscrete(t, d, nbPMFBigDiscrete(2.5, 0.55, false, 0), 1e-12, 150, 12)
}
