package dist

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func exponentialOf(ps []ad.Var) Distribution { return Exponential{Rate: ps[0]} }
func exponential1(ps []float64) Distribution { return Must(NewExponential(ps[0])) }

func TestExponentialAgainstGonum(t *testing.T) {
	for _, r := range []float64{1, 0.2, 7} {
		d := Must(NewExponential(r))
		checkAgainstRef(t, d, distuv.Exponential{Rate: r}, []float64{0, 1e-3, 0.3, 1, 4, 50}, 1e-14, "Exponential")
		checkQuad(t, d, 0, math.Inf(1), 1e-10, []float64{0.5 / r, 2 / r}, 1/r, 5/r)
	}
	checkFamilyRef(t, "Exponential", exponential1, 1e-14)
	d := Must(NewExponential(2))
	assert.Equal(t, math.Inf(-1), logProbAt(d, -1e-300), "log-density below 0")
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(-1)).Scalar(), "CDF below 0")
	// Small x: expm1 keeps the CDF's relative accuracy (1 - e^{-1e-20} = 1e-20).
	assertRel(t, 2e-20, d.CDF(ad.Scalar(1e-20)).Scalar(), 1e-15, "CDF at 1e-20")
}

func TestExponentialBatch(t *testing.T) {
	ref := func(p []float64, x float64) float64 { return distuv.Exponential{Rate: p[0]}.LogProb(x) }
	cdf := func(p []float64, x float64) float64 { return distuv.Exponential{Rate: p[0]}.CDF(x) }
	checkBatch(t, exponentialOf, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0.5, 1, 2, 3, 4, 5}}},
		ad.Matrix{Rows: 4, Cols: 3, Data: []float64{0.5, 0.5, 0.5, 1, 1, 1, 2, 2, 2, -1, 0, 1}}, ref, cdf)
	checkBatch(t, exponentialOf, []ad.Matrix{col(0.5, 2)}, row(1, 0.2, 7), ref, cdf)
}

func TestExponentialGradients(t *testing.T) {
	checkLogProbGrad(t, exponentialOf, []ad.Matrix{row(0.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, 0.5, 3}}, nil)
	checkLogProbGrad(t, exponentialOf, []ad.Matrix{col(0.5, 1, 3)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, 0.5, 0.1, 4, 4}}, nil)
	checkCDFGrad(t, exponentialOf, []ad.Matrix{mat(1.3)}, row(0.2, 0.5, 2), nil)
	checkCDFGrad(t, exponentialOf, []ad.Matrix{col(1.3, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 0.5, 2, 0.3}}, nil)
}

func TestExponentialSampling(t *testing.T) {
	rng := newRNG(81)
	d := Must(NewExponential(1.7))
	checkMoments(t, d, rng, 200000, 5)
	checkKS(t, d, distuv.Exponential{Rate: 1.7}.CDF, rng, 20000)
	// E[e^{-z}] = λ/(λ+1), d/dλ = 1/(λ+1)².
	checkPathwise(t, exponentialOf, []float64{1.7}, "exp(-z)", func(z ad.Var) ad.Var { return ad.Exp(ad.Neg(z)) },
		[]float64{1 / (2.7 * 2.7)}, rng, 200000)
}

func TestExponentialValidate(t *testing.T) {
	_, err := NewExponential(0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rate[0] = 0")
	var pe *ParamError
	_, err = ExponentialOf(ad.Row([]float64{1, math.NaN()}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "rate", pe.Param)
	assert.Equal(t, 1, pe.Index)
}

func TestKLExponentialExponential(t *testing.T) {
	build := func(p, q []float64) (Distribution, Distribution) { return exponential1(p), exponential1(q) }
	for _, c := range [][2]float64{{1, 1}, {1, 2}, {0.3, 5}, {4, 0.5}} {
		p, q := exponential1(c[:1]), exponential1(c[1:])
		want := klQuadLogTails(p, q, 0, math.Inf(1), 1/c[0], 5/c[0])
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
		direct := math.Log(c[0]/c[1]) + c[1]/c[0] - 1
		assertRel(t, direct, klScalar(t, p, q), 1e-13, "KL %v direct", c)
	}
	checkKLRef(t, "Exponential", build, 5e-15, 5e-15)
	// Fisher information of Exp(λ): 1/λ².
	r := 1.3
	checkKLFisher(t, exponential1, []float64{r}, []float64{r}, [][]float64{{1 / (r * r)}}, 5e-6)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Exponential{Rate: v[0]}, Exponential{Rate: v[1]}
	}, []ad.Matrix{row(0.8, 1.9), row(1.2, 0.6)}, nil)
	checkKLBatch(t, func(v []ad.Var) (Distribution, Distribution) {
		return Exponential{Rate: v[0]}, Exponential{Rate: v[1]}
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.1, 0.4, 3, 1}}, col(1.2, 0.6)})
	checkKLRandom(t, newRNG(11), func(rng *rand.Rand) (Distribution, Distribution) {
		return Must(NewExponential(logUniform(rng, 1e-2, 1e2))), Must(NewExponential(logUniform(rng, 1e-2, 1e2)))
	}, 500)
	checkKLMonteCarlo(t, Must(NewExponential(1)), Must(NewExponential(2)), newRNG(82), 100000, 5)
}
