package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestPoissonAgainstGonum(t *testing.T) {
	for _, lam := range []float64{0.01, 0.7, 4, 23.5, 150} {
		ref := distuv.Poisson{Lambda: lam}
		d := Must(NewPoisson(lam))
		exact := poissonPMFBigDiscrete(lam, 0)
		for _, k := range []float64{0, 1, 3, 10, 30, 140, 200} {
			got := logProbAt(d, k)
			assertRel(t, ref.LogProb(k), got, 1e-12, "gonum λ=%v k=%v", lam, k)
			assertRel(t, f64Discrete(logBigDiscrete(exact.mass(int(k)))), got, 1e-13, "exact λ=%v k=%v", lam, k)
			assertRel(t, ref.CDF(k), d.CDF(ad.Scalar(k+0.5)).Scalar(), 1e-11, "cdf λ=%v k=%v", lam, k)
		}
		assert.InDelta(t, 1, sumMassDiscrete(d, int(lam+40*math.Sqrt(lam)+40)), 1e-13, "normalized λ=%v", lam)
		assertRel(t, ref.Mean(), d.Mean().Scalar(), 1e-15, "mean")
		assertRel(t, ref.Variance(), d.Variance().Scalar(), 1e-15, "variance")
	}
	z := Must(NewPoisson(0))
	assert.Equal(t, 0.0, logProbAt(z, 0), "rate 0 is the point mass at 0")
	assert.True(t, math.IsInf(logProbAt(z, 1), -1))
	assert.Equal(t, 1.0, z.CDF(ad.Scalar(0)).Scalar())
	d := Must(NewPoisson(2))
	for _, x := range []float64{-1, 0.5} {
		assert.True(t, math.IsInf(logProbAt(d, x), -1), "outside the support at %v", x)
	}
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(-0.5)).Scalar())
}

func TestPoissonBatchAndGradients(t *testing.T) {
	rate := ad.Const(2, 3, []float64{0.5, 2, 9, 1, 3, 0.2})
	d := Must(PoissonOf(rate))
	x := ad.Const(4, 3, []float64{0, 2, 8, 1, 5, 0, 3, 0, 12, 2, 2, 1})
	lp := d.LogProb(x).Value()
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 3; j++ {
			want += distuv.Poisson{Lambda: rate.At(i%2, j)}.LogProb(x.At(i, j))
		}
		assertRel(t, want, lp[i], 1e-13, "row %d", i)
	}
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Poisson{Rate: ps[0]} }, []ad.Matrix{rate.Matrix()}, x.Matrix(), nil)
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Poisson{Rate: ps[0]} }, []ad.Matrix{mat(2.5)}, x.Matrix(), nil)
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return Poisson{Rate: v[0]}.CDF(ad.Const(2, 2, []float64{0, 3.5, 7, -1}))
	}, []ad.Matrix{row(0.8, 4.5)}, nil)
	assert.NoError(t, err, "CDF gradient")
}

func TestPoissonSampling(t *testing.T) {
	rng := rngDiscrete(41)
	// Below 10 the exponential-sum sampler, above it PTRS.
	for _, lam := range []float64{0.3, 4.2, 10, 37, 800} {
		d := Must(NewPoisson(lam))
		xs := d.Sample(rng, 100000).Value()
		checkFrequenciesDiscrete(t, xs, func(k int) float64 { return math.Exp(logProbAt(d, float64(k))) }, "Poisson")
		checkMomentsDiscrete(t, xs, lam, lam, 5, "Poisson")
	}
	assert.Equal(t, make([]float64, 5), Must(NewPoisson(0)).Sample(rng, 5).Value())
}

func TestPoissonValidate(t *testing.T) {
	var pe *ParamError
	for _, r := range []float64{-1, math.Inf(1), math.NaN()} {
		_, err := NewPoisson(r)
		require.ErrorAs(t, err, &pe, "rate %v", r)
		assert.Equal(t, "rate", pe.Param)
	}
}

func TestPoissonEnumerate(t *testing.T) {
	lam := 3.7
	d := Must(NewPoisson(lam))
	checkEnumerateDiscrete(t, d, poissonPMFBigDiscrete(lam, 0), 1e-13, 200, 40)
}
