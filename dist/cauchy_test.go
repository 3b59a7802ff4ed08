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

func cauchyOf(ps []ad.Var) Distribution { return Cauchy{Loc: ps[0], Scale: ps[1]} }
func cauchy1(ps []float64) Distribution { return Must(NewCauchy(ps[0], ps[1])) }

// cauchyRef is Cauchy(μ, γ) as gonum's Student t with one degree of
// freedom (its own log-density, incomplete-beta CDF and quantile), with
// the textbook mean (none), variance (infinite) and entropy log(4πγ).
type cauchyRef struct{ t distuv.StudentsT }

func newCauchyRef(mu, g float64) cauchyRef {
	return cauchyRef{distuv.StudentsT{Mu: mu, Sigma: g, Nu: 1}}
}
func (c cauchyRef) LogProb(x float64) float64  { return c.t.LogProb(x) }
func (c cauchyRef) CDF(x float64) float64      { return c.t.CDF(x) }
func (c cauchyRef) Quantile(p float64) float64 { return c.t.Quantile(p) }
func (c cauchyRef) Mean() float64              { return math.NaN() }
func (c cauchyRef) Variance() float64          { return math.Inf(1) }
func (c cauchyRef) Entropy() float64           { return math.Log(4 * math.Pi * c.t.Sigma) }

func TestCauchyAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{0, 1}, {-3.5, 0.2}, {10, 7}} {
		d := Must(NewCauchy(c[0], c[1]))
		checkAgainstRef(t, d, newCauchyRef(c[0], c[1]), []float64{-20, -1, 0, 0.3, 4, 50}, 1e-13, "Cauchy")
		checkQuad(t, d, math.Inf(-1), math.Inf(1), 1e-10, []float64{c[0] - c[1], c[0] + 0.5}, c[0])
	}
	checkFamilyRef(t, "Cauchy", cauchy1, 1e-14)
	// The left tail keeps its relative accuracy: F(-1e6) = atan(1e-6)/π.
	d := Must(NewCauchy(0, 1))
	assertRel(t, math.Atan(1e-6)/math.Pi, d.CDF(ad.Scalar(-1e6)).Scalar(), 1e-15, "CDF far left")
	// Huge |x|: finite partials, never NaN.
	tp := ad.NewTape()
	loc := ad.NewParam("loc", 1, 1, []float64{0})
	scale := ad.NewParam("scale", 1, 1, []float64{1})
	tp.Backward(Cauchy{Loc: tp.Param(loc), Scale: tp.Param(scale)}.LogProb(ad.Scalar(1e300)))
	assert.Equal(t, 0.0, loc.Grad[0], "d/dloc at x = 1e300")
	assert.Equal(t, 1.0, scale.Grad[0], "d/dscale at x = 1e300")
}

func TestCauchyBatch(t *testing.T) {
	ref := func(p []float64, x float64) float64 { return newCauchyRef(p[0], p[1]).LogProb(x) }
	cdf := func(p []float64, x float64) float64 { return newCauchyRef(p[0], p[1]).CDF(x) }
	checkBatch(t, cauchyOf, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0, 1, 2, -1, -2, -3}}, row(1, 2, 3)},
		ad.Matrix{Rows: 4, Cols: 3, Data: []float64{0.5, 0.5, 0.5, 1, 1, 1, 2, 2, 2, -1, 0, 1}}, ref, cdf)
	checkBatch(t, cauchyOf, []ad.Matrix{mat(0.3), col(0.5, 2)}, row(-1, 0.2, 7), ref, cdf)
}

func TestCauchyGradients(t *testing.T) {
	checkLogProbGrad(t, cauchyOf, []ad.Matrix{row(0.3, -1), row(0.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, -0.5, 0}}, nil)
	checkLogProbGrad(t, cauchyOf, []ad.Matrix{mat(0.2), col(0.5, 1, 3)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, -0.5, 0, 4, -4}}, nil)
	checkCDFGrad(t, cauchyOf, []ad.Matrix{mat(0.1), mat(1.3)}, row(-1, 0.5, 2), nil)
	checkCDFGrad(t, cauchyOf, []ad.Matrix{row(0.1, -2), col(1.3, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{-1, 0.5, 2, -3}}, nil)
}

func TestCauchySampling(t *testing.T) {
	rng := newRNG(41)
	d := Must(NewCauchy(1.5, 0.7))
	checkKS(t, d, newCauchyRef(1.5, 0.7).CDF, rng, 20000)
	m := d.Mean().Value()
	assert.True(t, math.IsNaN(m[0]), "Cauchy mean is NaN")
	assert.True(t, math.IsInf(d.Variance().Scalar(), 1), "Cauchy variance is +Inf")
	// E[1/(1+z²)] = a/(a² + μ²) with a = γ + 1 (Cauchy densities convolve
	// by adding scales), bounded, so the pathwise gradient has finite
	// variance.
	mu, g := 1.5, 0.7
	a := g + 1
	den := (a*a + mu*mu) * (a*a + mu*mu)
	lorentz := func(z ad.Var) ad.Var { return ad.Div(ad.Scalar(1), ad.Shift(ad.Square(z), 1)) }
	checkPathwise(t, cauchyOf, []float64{mu, g}, "1/(1+z²)", lorentz,
		[]float64{-2 * a * mu / den, (mu*mu - a*a) / den}, rng, 200000)
}

func TestCauchyValidate(t *testing.T) {
	_, err := NewCauchy(0, -2)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "scale[0] = -2")
	_, err = NewCauchy(math.Inf(-1), 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loc[0] = -Inf")
	var pe *ParamError
	_, err = CauchyOf(ad.Row([]float64{0, math.NaN()}), ad.Scalar(1))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "loc", pe.Param)
	assert.Equal(t, 1, pe.Index)
	_, err = CauchyOf(ad.Const(1, 2, []float64{0, 0}), ad.Const(1, 3, []float64{1, 1, 1}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
}

func TestKLCauchyCauchy(t *testing.T) {
	build := func(p, q []float64) (Distribution, Distribution) { return cauchy1(p), cauchy1(q) }
	for _, c := range [][4]float64{{0, 1, 0, 1}, {0, 1, 1, 2}, {-2, 0.3, 1, 5}, {3, 4, -1, 0.5}} {
		p, q := cauchy1(c[:2]), cauchy1(c[2:])
		want := klQuadLogTails(p, q, math.Inf(-1), math.Inf(1), c[0], c[2])
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
		// Symmetric.
		assertRel(t, klScalar(t, q, p), klScalar(t, p, q), 1e-15, "KL %v symmetric", c)
	}
	checkKLRef(t, "Cauchy", build, 5e-15, 5e-15)
	// Fisher information of Cauchy(μ, γ): diag(1/(2γ²), 1/(2γ²)).
	g := 1.3
	checkKLFisher(t, cauchy1, []float64{0.7, g}, []float64{g, g}, [][]float64{{0.5 / (g * g), 0}, {0, 0.5 / (g * g)}}, 5e-6)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Cauchy{Loc: v[0], Scale: v[1]}, Cauchy{Loc: v[2], Scale: v[3]}
	}, []ad.Matrix{row(0.1, -0.4), row(0.8, 1.9), mat(0.5), row(1.2, 0.6)}, nil)
	checkKLBatch(t, func(v []ad.Var) (Distribution, Distribution) {
		return Cauchy{Loc: v[0], Scale: v[1]}, Cauchy{Loc: v[2], Scale: v[3]}
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.1, -0.4, 3, 0}}, row(0.8, 1.9), mat(0.5), col(1.2, 0.6)})
	checkKLRandom(t, newRNG(11), func(rng *rand.Rand) (Distribution, Distribution) {
		return Must(NewCauchy(3*rng.NormFloat64(), logUniform(rng, 1e-2, 1e2))), Must(NewCauchy(3*rng.NormFloat64(), logUniform(rng, 1e-2, 1e2)))
	}, 500)
	checkKLMonteCarlo(t, Must(NewCauchy(0, 1)), Must(NewCauchy(1, 2)), newRNG(42), 100000, 5)
}
