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

func halfCauchyOf(ps []ad.Var) Distribution { return HalfCauchy{Scale: ps[0]} }
func halfCauchy1(ps []float64) Distribution { return Must(NewHalfCauchy(ps[0])) }

// halfCauchyRef folds gonum's Student t with one degree of freedom:
// density 2 t(x), CDF 2 T(x) - 1 and quantile T⁻¹((1+p)/2) for x >= 0,
// with infinite mean and variance and entropy log(2πγ).
type halfCauchyRef struct{ t distuv.StudentsT }

func newHalfCauchyRef(g float64) halfCauchyRef {
	return halfCauchyRef{distuv.StudentsT{Mu: 0, Sigma: g, Nu: 1}}
}
func (h halfCauchyRef) LogProb(x float64) float64 {
	if x < 0 {
		return math.Inf(-1)
	}
	return math.Ln2 + h.t.LogProb(x)
}
func (h halfCauchyRef) CDF(x float64) float64 {
	if x < 0 {
		return 0
	}
	return 2*h.t.CDF(x) - 1
}
func (h halfCauchyRef) Quantile(p float64) float64 { return h.t.Quantile((1 + p) / 2) }
func (h halfCauchyRef) Mean() float64              { return math.Inf(1) }
func (h halfCauchyRef) Variance() float64          { return math.Inf(1) }
func (h halfCauchyRef) Entropy() float64           { return math.Log(2 * math.Pi * h.t.Sigma) }

func TestHalfCauchyAgainstGonum(t *testing.T) {
	for _, g := range []float64{1, 0.2, 7} {
		d := Must(NewHalfCauchy(g))
		// 2T(x) - 1 cancels near x = 0, so the CDF is compared at 1e-12.
		checkAgainstRef(t, d, newHalfCauchyRef(g), []float64{-1, 0, 0.3, 1, 4, 50}, 1e-12, "HalfCauchy")
		checkQuad(t, d, 0, math.Inf(1), 1e-10, []float64{g / 2, 3 * g}, g)
	}
	checkFamilyRef(t, "HalfCauchy", halfCauchy1, 1e-14)
	d := Must(NewHalfCauchy(1))
	assert.Equal(t, math.Inf(-1), logProbAt(d, -1e-300), "log-density below 0")
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(-3)).Scalar(), "CDF below 0")
}

func TestHalfCauchyBatch(t *testing.T) {
	ref := func(p []float64, x float64) float64 { return newHalfCauchyRef(p[0]).LogProb(x) }
	cdf := func(p []float64, x float64) float64 { return newHalfCauchyRef(p[0]).CDF(x) }
	checkBatch(t, halfCauchyOf, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0.5, 1, 2, 3, 4, 5}}},
		ad.Matrix{Rows: 4, Cols: 3, Data: []float64{0.5, 0.5, 0.5, 1, 1, 1, 2, 2, 2, -1, 0, 1}}, ref, cdf)
	checkBatch(t, halfCauchyOf, []ad.Matrix{col(0.5, 2)}, row(1, 0.2, 7), ref, cdf)
}

func TestHalfCauchyGradients(t *testing.T) {
	checkLogProbGrad(t, halfCauchyOf, []ad.Matrix{row(0.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, 0.5, 3}}, nil)
	checkLogProbGrad(t, halfCauchyOf, []ad.Matrix{col(0.5, 1, 3)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, 0.5, 0.1, 4, 4}}, nil)
	checkCDFGrad(t, halfCauchyOf, []ad.Matrix{mat(1.3)}, row(0.2, 0.5, 2), nil)
	checkCDFGrad(t, halfCauchyOf, []ad.Matrix{col(1.3, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 0.5, 2, 3}}, nil)
}

func TestHalfCauchySampling(t *testing.T) {
	rng := newRNG(51)
	d := Must(NewHalfCauchy(0.7))
	checkKS(t, d, newHalfCauchyRef(0.7).CDF, rng, 20000)
	assert.True(t, math.IsInf(d.Mean().Scalar(), 1), "HalfCauchy mean is +Inf")
	// E[1/(1+z²)] = 1/(γ+1): the Cauchy value at μ = 0 (the function is even).
	lorentz := func(z ad.Var) ad.Var { return ad.Div(ad.Scalar(1), ad.Shift(ad.Square(z), 1)) }
	checkPathwise(t, halfCauchyOf, []float64{0.7}, "1/(1+z²)", lorentz, []float64{-1 / (1.7 * 1.7)}, rng, 200000)
}

func TestHalfCauchyValidate(t *testing.T) {
	_, err := NewHalfCauchy(0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "scale[0] = 0")
	var pe *ParamError
	_, err = HalfCauchyOf(ad.Row([]float64{1, -1}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scale", pe.Param)
	assert.Equal(t, 1, pe.Index)
}

func TestKLHalfCauchyHalfCauchy(t *testing.T) {
	build := func(p, q []float64) (Distribution, Distribution) { return halfCauchy1(p), halfCauchy1(q) }
	for _, c := range [][2]float64{{1, 1}, {1, 2}, {0.3, 5}, {4, 0.5}} {
		p, q := halfCauchy1(c[:1]), halfCauchy1(c[1:])
		want := klQuadLogTails(p, q, 0, math.Inf(1), c[0], c[1])
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
		// Equal to the Cauchy KL at loc 0.
		assertRel(t, klScalar(t, cauchy1([]float64{0, c[0]}), cauchy1([]float64{0, c[1]})), klScalar(t, p, q), 1e-15, "KL %v = Cauchy KL", c)
	}
	checkKLRef(t, "HalfCauchy", build, 5e-15, 5e-15)
	// Fisher information of HalfCauchy(γ): 1/(2γ²).
	g := 1.3
	checkKLFisher(t, halfCauchy1, []float64{g}, []float64{g}, [][]float64{{0.5 / (g * g)}}, 5e-6)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return HalfCauchy{Scale: v[0]}, HalfCauchy{Scale: v[1]}
	}, []ad.Matrix{row(0.8, 1.9), row(1.2, 0.6)}, nil)
	checkKLBatch(t, func(v []ad.Var) (Distribution, Distribution) {
		return HalfCauchy{Scale: v[0]}, HalfCauchy{Scale: v[1]}
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.1, 0.4, 3, 1}}, col(1.2, 0.6)})
	checkKLRandom(t, newRNG(11), func(rng *rand.Rand) (Distribution, Distribution) {
		return Must(NewHalfCauchy(logUniform(rng, 1e-2, 1e2))), Must(NewHalfCauchy(logUniform(rng, 1e-2, 1e2)))
	}, 500)
	checkKLMonteCarlo(t, Must(NewHalfCauchy(1)), Must(NewHalfCauchy(2)), newRNG(52), 100000, 5)
}
