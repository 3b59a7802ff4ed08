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

func gumbelOf(ps []ad.Var) Distribution { return Gumbel{Loc: ps[0], Scale: ps[1]} }
func gumbel1(ps []float64) Distribution { return Must(NewGumbel(ps[0], ps[1])) }

func TestGumbelAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{0, 1}, {-3.5, 0.2}, {10, 7}} {
		d := Must(NewGumbel(c[0], c[1]))
		ref := distuv.GumbelRight{Mu: c[0], Beta: c[1]}
		checkAgainstRef(t, d, ref, []float64{-5, -1, 0, 0.3, 4, 50}, 1e-14, "Gumbel")
		checkQuad(t, d, math.Inf(-1), math.Inf(1), 1e-10, []float64{c[0] - c[1], c[0] + 0.5}, c[0])
	}
	checkFamilyRef(t, "Gumbel", gumbel1, 1e-14)
}

func TestGumbelBatch(t *testing.T) {
	ref := func(p []float64, x float64) float64 { return distuv.GumbelRight{Mu: p[0], Beta: p[1]}.LogProb(x) }
	cdf := func(p []float64, x float64) float64 { return distuv.GumbelRight{Mu: p[0], Beta: p[1]}.CDF(x) }
	checkBatch(t, gumbelOf, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0, 1, 2, -1, -2, -3}}, row(1, 2, 3)},
		ad.Matrix{Rows: 4, Cols: 3, Data: []float64{0.5, 0.5, 0.5, 1, 1, 1, 2, 2, 2, -1, 0, 1}}, ref, cdf)
	checkBatch(t, gumbelOf, []ad.Matrix{mat(0.3), col(0.5, 2)}, row(-1, 0.2, 7), ref, cdf)
}

func TestGumbelGradients(t *testing.T) {
	checkLogProbGrad(t, gumbelOf, []ad.Matrix{row(0.3, -1), row(0.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, -0.5, 0}}, nil)
	checkLogProbGrad(t, gumbelOf, []ad.Matrix{mat(0.2), col(0.5, 1, 3)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, -0.5, 0, 4, -4}}, nil)
	checkCDFGrad(t, gumbelOf, []ad.Matrix{mat(0.1), mat(1.3)}, row(-1, 0.5, 2), nil)
	checkCDFGrad(t, gumbelOf, []ad.Matrix{row(0.1, -2), col(1.3, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{-1, 0.5, 2, -3}}, nil)
}

func TestGumbelSampling(t *testing.T) {
	rng := newRNG(31)
	d := Must(NewGumbel(1.5, 0.7))
	checkMoments(t, d, rng, 200000, 5)
	checkKS(t, d, distuv.GumbelRight{Mu: 1.5, Beta: 0.7}.CDF, rng, 20000)
	// E[z²] = (μ + γβ)² + π²β²/6.
	mu, b := 1.5, 0.7
	m := mu + eulerGamma*b
	checkPathwise(t, gumbelOf, []float64{mu, b}, "z²", ad.Square,
		[]float64{2 * m, 2*eulerGamma*m + math.Pi*math.Pi*b/3}, rng, 200000)
}

func TestGumbelValidate(t *testing.T) {
	_, err := NewGumbel(0, 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "scale[0] = 0")
	_, err = NewGumbel(math.NaN(), 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loc[0] = NaN")
	_, err = GumbelOf(ad.Const(2, 1, []float64{0, 0}), ad.Const(3, 1, []float64{1, 1, 1}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
	var pe *ParamError
	_, err = NewGumbel(0, math.Inf(1))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scale", pe.Param)
}

// gumbelFisher is the Fisher information of Gumbel(μ, β):
// (1/β²) [[1, -(1-γ)], [-(1-γ), (1-γ)² + π²/6]].
func gumbelFisher(b float64) [][]float64 {
	g := 1 - eulerGamma
	return [][]float64{{1 / (b * b), -g / (b * b)}, {-g / (b * b), (g*g + math.Pi*math.Pi/6) / (b * b)}}
}

func TestKLGumbelGumbel(t *testing.T) {
	build := func(p, q []float64) (Distribution, Distribution) { return gumbel1(p), gumbel1(q) }
	for _, c := range [][4]float64{{0, 1, 0, 1}, {0, 1, 1, 2}, {-2, 0.3, 1, 5}, {3, 4, -1, 0.5}, {0, 0.3, 2, 1}} {
		p, q := gumbel1(c[:2]), gumbel1(c[2:])
		want := klQuadLogTails(p, q, math.Inf(-1), math.Inf(1), c[0], c[2])
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
		// Closed form written directly (torch's formula).
		r, d := c[1]/c[3], (c[0]-c[2])/c[3]
		direct := -math.Log(r) + eulerGamma*(r-1) + d + math.Exp(-d)*math.Gamma(1+r) - 1
		assertRel(t, direct, klScalar(t, p, q), 1e-12, "KL %v direct", c)
	}
	checkKLRef(t, "Gumbel", build, 5e-15, 5e-15)
	b := 1.3
	checkKLFisher(t, gumbel1, []float64{0.7, b}, []float64{b, b}, gumbelFisher(b), 5e-6)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Gumbel{Loc: v[0], Scale: v[1]}, Gumbel{Loc: v[2], Scale: v[3]}
	}, []ad.Matrix{row(0.1, -0.4), row(0.8, 1.9), mat(0.5), row(1.2, 0.6)}, nil)
	checkKLBatch(t, func(v []ad.Var) (Distribution, Distribution) {
		return Gumbel{Loc: v[0], Scale: v[1]}, Gumbel{Loc: v[2], Scale: v[3]}
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.1, -0.4, 3, 0}}, row(0.8, 1.9), mat(0.5), col(1.2, 0.6)})
	checkKLRandom(t, newRNG(11), func(rng *rand.Rand) (Distribution, Distribution) {
		return Must(NewGumbel(3*rng.NormFloat64(), logUniform(rng, 1e-2, 1e2))), Must(NewGumbel(3*rng.NormFloat64(), logUniform(rng, 1e-2, 1e2)))
	}, 500)
	checkKLMonteCarlo(t, Must(NewGumbel(0, 1)), Must(NewGumbel(1, 2)), newRNG(32), 100000, 5)
}
