package dist

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func TestGeometricMass(t *testing.T) {
	for _, p := range []float64{0.02, 0.3, 0.77, 1} {
		exact := geometricPMFBigDiscrete(p, false, 400)
		forms := []Geometric{Must(NewGeometric(p))}
		if p < 1 {
			forms = append(forms, Must(GeometricLogits(math.Log(p/(1-p)))))
		}
		for fi, d := range forms {
			for _, k := range []int{0, 1, 2, 7, 40} {
				want := f64Discrete(exact.mass(k))
				got := logProbAt(d, float64(k))
				if want == 0 {
					assert.True(t, math.IsInf(got, -1), "p=%v k=%d", p, k)
					continue
				}
				assertRel(t, math.Log(want), got, 1e-12, "logpmf p=%v form %d k=%d", p, fi, k)
				// CDF: 1 - (1-p)^(k+1) independently.
				assertRel(t, 1-math.Pow(1-p, float64(k+1)), d.CDF(ad.Scalar(float64(k)+0.3)).Scalar(), 1e-12, "cdf p=%v k=%d", p, k)
			}
			kmax := 3000
			assert.InDelta(t, 1, sumMassDiscrete(d, kmax), 1e-13, "normalized p=%v", p)
			m1, m2 := momentsByMassDiscrete(d, kmax)
			assert.InDelta(t, m1, d.Mean().Scalar(), 1e-12*math.Max(1, m1), "mean p=%v", p)
			assert.InDelta(t, m2, d.Variance().Scalar(), 1e-11*math.Max(1, m2), "variance p=%v", p)
			// Entropy by summation in 256-bit arithmetic: mass p q^k,
			// log-mass log p + k log q.
			h := bfDiscrete(0)
			if p < 1 {
				pb, qb := probBigDiscrete(p, false)
				lpb, lqb := logBigDiscrete(pb), logBigDiscrete(qb)
				m := new(big.Float).SetPrec(precDiscrete).Set(pb)
				for k := 0; k <= 6000; k++ {
					l := new(big.Float).SetPrec(precDiscrete).Mul(lqb, bfDiscrete(float64(k)))
					l.Add(l, lpb)
					h.Sub(h, l.Mul(l, m))
					m.Mul(m, qb)
				}
			}
			assert.InDelta(t, f64Discrete(h), d.Entropy().Scalar(), 1e-13*math.Max(1, f64Discrete(h)), "entropy p=%v", p)
		}
	}
	d := Must(NewGeometric(0.4))
	for _, x := range []float64{-1, 2.5, math.Inf(1)} {
		assert.True(t, math.IsInf(logProbAt(d, x), -1), "outside the support at %v", x)
	}
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(-0.5)).Scalar())
}

func TestGeometricBatchAndGradients(t *testing.T) {
	probs := ad.Const(2, 2, []float64{0.1, 0.5, 0.35, 0.9})
	d := Must(GeometricOf(probs))
	x := ad.Const(4, 2, []float64{0, 3, 5, 1, 2, 2, 0, 0})
	lp := d.LogProb(x).Value()
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 2; j++ {
			p := probs.At(i%2, j)
			want += x.At(i, j)*math.Log1p(-p) + math.Log(p)
		}
		assertRel(t, want, lp[i], 1e-13, "row %d", i)
	}
	xm := x.Matrix()
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Geometric{Probs: ps[0]} }, []ad.Matrix{probs.Matrix()}, xm, nil)
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Geometric{Logits: ps[0]} }, []ad.Matrix{row(-1.2, 0.4)}, xm, nil)
	checkParamGradsDiscrete(t, func(v ad.Var, logits bool) Distribution {
		if logits {
			return Geometric{Logits: v}
		}
		return Geometric{Probs: v}
	}, []float64{0.5, -1, 3, 7})
}

func TestGeometricSampling(t *testing.T) {
	rng := rngDiscrete(31)
	for _, d := range []Geometric{Must(NewGeometric(0.35)), Must(GeometricLogits(-2))} {
		xs := d.Sample(rng, 100000).Value()
		checkFrequenciesDiscrete(t, xs, func(k int) float64 { return math.Exp(logProbAt(d, float64(k))) }, "Geometric")
		checkMomentsDiscrete(t, xs, d.Mean().Scalar(), d.Variance().Scalar(), 5, "Geometric")
	}
	xs := Must(NewGeometric(1)).Sample(rng, 10).Value()
	assert.Equal(t, make([]float64, 10), xs, "p = 1 is the point mass at 0")
}

func TestGeometricValidate(t *testing.T) {
	var pe *ParamError
	for _, p := range []float64{0, -0.2, 1.1} {
		_, err := NewGeometric(p)
		require.ErrorAs(t, err, &pe, "p=%v", p)
		assert.Equal(t, "probs", pe.Param)
	}
	_, err := GeometricLogits(math.Inf(-1))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "logits", pe.Param)
}

func TestGeometricEnumerate(t *testing.T) {
	d := Must(NewGeometric(0.6))
	var sum float64
	for m := range d.Enumerate(0, 0) {
		assertRel(t, 0.6*math.Pow(0.4, float64(m.K)), m.Mass, 1e-13, "mass %d", m.K)
		sum += m.Mass
		assertRel(t, math.Pow(0.4, float64(m.K+1)), m.Tail, 1e-12, "tail %d", m.K)
		if m.K == 30 {
			break
		}
	}
	assert.InDelta(t, 1-math.Pow(0.4, 31), sum, 1e-15)
	n := 0
	for range Must(NewGeometric(1)).Enumerate(0, 0) {
		n++
	}
	assert.Equal(t, 1, n, "the point mass ends after one point")
}
