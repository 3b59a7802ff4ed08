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

func halfNormalOf(ps []ad.Var) Distribution { return HalfNormal{Scale: ps[0]} }
func halfNormal1(ps []float64) Distribution { return Must(NewHalfNormal(ps[0])) }

// halfNormalRef folds gonum's normal (density 2φ, CDF 1 - 2Φ(-x),
// quantile Φ⁻¹((1+p)/2)) and takes the moments and entropy from gonum's
// chi distribution with one degree of freedom, scaled by σ.
type halfNormalRef struct {
	n   distuv.Normal
	chi distuv.Chi
}

func newHalfNormalRef(s float64) halfNormalRef {
	return halfNormalRef{distuv.Normal{Mu: 0, Sigma: s}, distuv.Chi{K: 1}}
}
func (h halfNormalRef) LogProb(x float64) float64 {
	if x < 0 {
		return math.Inf(-1)
	}
	return math.Ln2 + h.n.LogProb(x)
}
func (h halfNormalRef) CDF(x float64) float64 {
	if x < 0 {
		return 0
	}
	return 1 - 2*h.n.CDF(-x)
}
func (h halfNormalRef) Quantile(p float64) float64 { return h.n.Quantile((1 + p) / 2) }
func (h halfNormalRef) Mean() float64              { return h.n.Sigma * h.chi.Mean() }
func (h halfNormalRef) Variance() float64          { return h.n.Sigma * h.n.Sigma * h.chi.Variance() }
func (h halfNormalRef) Entropy() float64           { return h.chi.Entropy() + math.Log(h.n.Sigma) }

func TestHalfNormalAgainstGonum(t *testing.T) {
	for _, s := range []float64{1, 0.2, 7} {
		d := Must(NewHalfNormal(s))
		// 1 - 2Φ(-x) cancels near x = 0, so the comparison is at 1e-12;
		// the mpmath references below are checked at 1e-14.
		checkAgainstRef(t, d, newHalfNormalRef(s), []float64{-1, 0, 0.3, 1, 4, 20}, 1e-12, "HalfNormal")
		checkQuad(t, d, 0, math.Inf(1), 1e-10, []float64{s / 2, 3 * s}, s, 5*s)
	}
	checkFamilyRef(t, "HalfNormal", halfNormal1, 1e-14)
}

func TestHalfNormalBatch(t *testing.T) {
	ref := func(p []float64, x float64) float64 { return newHalfNormalRef(p[0]).LogProb(x) }
	cdf := func(p []float64, x float64) float64 { return newHalfNormalRef(p[0]).CDF(x) }
	checkBatch(t, halfNormalOf, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0.5, 1, 2, 3, 4, 5}}},
		ad.Matrix{Rows: 4, Cols: 3, Data: []float64{0.5, 0.5, 0.5, 1, 1, 1, 2, 2, 2, -1, 0.1, 1}}, ref, cdf)
	checkBatch(t, halfNormalOf, []ad.Matrix{col(0.5, 2)}, row(1, 0.2, 7), ref, cdf)
}

func TestHalfNormalGradients(t *testing.T) {
	checkLogProbGrad(t, halfNormalOf, []ad.Matrix{row(0.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, 0.5, 3}}, nil)
	checkLogProbGrad(t, halfNormalOf, []ad.Matrix{col(0.5, 1, 3)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, 0.5, 0.1, 4, 4}}, nil)
	checkCDFGrad(t, halfNormalOf, []ad.Matrix{mat(1.3)}, row(0.2, 0.5, 2), nil)
	checkCDFGrad(t, halfNormalOf, []ad.Matrix{col(1.3, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 0.5, 2, 0.3}}, nil)
}

func TestHalfNormalSampling(t *testing.T) {
	rng := newRNG(71)
	d := Must(NewHalfNormal(0.7))
	checkMoments(t, d, rng, 200000, 5)
	checkKS(t, d, newHalfNormalRef(0.7).CDF, rng, 20000)
	// E[z²] = σ².
	checkPathwise(t, halfNormalOf, []float64{0.7}, "z²", ad.Square, []float64{1.4}, rng, 200000)
}

func TestHalfNormalValidate(t *testing.T) {
	_, err := NewHalfNormal(-1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "scale[0] = -1")
	var pe *ParamError
	_, err = HalfNormalOf(ad.Row([]float64{1, math.Inf(1)}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scale", pe.Param)
	assert.Equal(t, 1, pe.Index)
}

func TestKLHalfNormalHalfNormal(t *testing.T) {
	build := func(p, q []float64) (Distribution, Distribution) { return halfNormal1(p), halfNormal1(q) }
	for _, c := range [][2]float64{{1, 1}, {1, 2}, {0.3, 5}, {4, 0.5}} {
		p, q := halfNormal1(c[:1]), halfNormal1(c[1:])
		want := klQuadLogTails(p, q, 0, math.Inf(1), c[0], 3*c[0])
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
		// Equal to the normal KL at loc 0.
		np, nq := Must(NewNormal(0, c[0])), Must(NewNormal(0, c[1]))
		assertRel(t, klScalar(t, np, nq), klScalar(t, p, q), 1e-14, "KL %v = Normal KL", c)
	}
	checkKLRef(t, "HalfNormal", build, 5e-15, 5e-15)
	// Fisher information of HalfNormal(σ): 2/σ².
	s := 1.3
	checkKLFisher(t, halfNormal1, []float64{s}, []float64{s}, [][]float64{{2 / (s * s)}}, 5e-6)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return HalfNormal{Scale: v[0]}, HalfNormal{Scale: v[1]}
	}, []ad.Matrix{row(0.8, 1.9), row(1.2, 0.6)}, nil)
	checkKLBatch(t, func(v []ad.Var) (Distribution, Distribution) {
		return HalfNormal{Scale: v[0]}, HalfNormal{Scale: v[1]}
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.1, 0.4, 3, 1}}, col(1.2, 0.6)})
	checkKLRandom(t, newRNG(11), func(rng *rand.Rand) (Distribution, Distribution) {
		return Must(NewHalfNormal(logUniform(rng, 1e-2, 1e2))), Must(NewHalfNormal(logUniform(rng, 1e-2, 1e2)))
	}, 500)
	checkKLMonteCarlo(t, Must(NewHalfNormal(1)), Must(NewHalfNormal(2)), newRNG(72), 100000, 5)
}
