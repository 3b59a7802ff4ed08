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

func logNormalOf(ps []ad.Var) Distribution { return LogNormal{Loc: ps[0], Scale: ps[1]} }
func logNormal1(ps []float64) Distribution { return Must(NewLogNormal(ps[0], ps[1])) }

func TestLogNormalAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{0, 1}, {-1.5, 0.2}, {2, 1.7}} {
		d := Must(NewLogNormal(c[0], c[1]))
		ref := distuv.LogNormal{Mu: c[0], Sigma: c[1]}
		checkAgainstRef(t, d, ref, []float64{1e-3, 0.3, 1, 4, 50}, 1e-13, "LogNormal")
		med := math.Exp(c[0])
		checkQuad(t, d, 0, math.Inf(1), 1e-10, []float64{med / 2, 2 * med}, med, med*math.Exp(-3*c[1]), med*math.Exp(3*c[1]))
	}
	checkFamilyRef(t, "LogNormal", logNormal1, 1e-14)
	d := Must(NewLogNormal(0, 1))
	assert.Equal(t, math.Inf(-1), logProbAt(d, 0), "log-density at 0")
	assert.Equal(t, math.Inf(-1), logProbAt(d, -1), "log-density below 0")
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(-1)).Scalar(), "CDF below 0")
}

func TestLogNormalBatch(t *testing.T) {
	ref := func(p []float64, x float64) float64 { return distuv.LogNormal{Mu: p[0], Sigma: p[1]}.LogProb(x) }
	cdf := func(p []float64, x float64) float64 { return distuv.LogNormal{Mu: p[0], Sigma: p[1]}.CDF(x) }
	checkBatch(t, logNormalOf, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0, 1, 2, -1, -2, -3}}, row(1, 2, 3)},
		ad.Matrix{Rows: 4, Cols: 3, Data: []float64{0.5, 0.5, 0.5, 1, 1, 1, 2, 2, 2, 0.1, 3, 10}}, ref, cdf)
	checkBatch(t, logNormalOf, []ad.Matrix{mat(0.3), col(0.5, 2)}, row(0.01, 0.2, 7), ref, cdf)
}

func TestLogNormalGradients(t *testing.T) {
	checkLogProbGrad(t, logNormalOf, []ad.Matrix{row(0.3, -1), row(0.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, 0.5, 0.1}}, nil)
	checkLogProbGrad(t, logNormalOf, []ad.Matrix{mat(0.2), col(0.5, 1, 3)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, 0.5, 0.3, 4, 4}}, nil)
	checkCDFGrad(t, logNormalOf, []ad.Matrix{mat(0.1), mat(1.3)}, row(0.2, 0.5, 2), nil)
	checkCDFGrad(t, logNormalOf, []ad.Matrix{row(0.1, -2), col(1.3, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 0.5, 2, 0.3}}, nil)
}

func TestLogNormalSampling(t *testing.T) {
	rng := newRNG(61)
	d := Must(NewLogNormal(0.2, 0.5))
	checkMoments(t, d, rng, 200000, 5)
	checkKS(t, d, distuv.LogNormal{Mu: 0.2, Sigma: 0.5}.CDF, rng, 20000)
	// E[z] = exp(μ + σ²/2): d/dμ = E[z], d/dσ = σ E[z].
	m := math.Exp(0.2 + 0.125)
	checkPathwise(t, logNormalOf, []float64{0.2, 0.5}, "z", func(z ad.Var) ad.Var { return z }, []float64{m, 0.5 * m}, rng, 200000)
}

func TestLogNormalValidate(t *testing.T) {
	_, err := NewLogNormal(0, -1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "scale[0] = -1")
	_, err = NewLogNormal(math.NaN(), 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loc[0] = NaN")
	var pe *ParamError
	_, err = LogNormalOf(ad.Scalar(0), ad.Col([]float64{1, 0}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scale", pe.Param)
	assert.Equal(t, 1, pe.Index)
	_, err = LogNormalOf(ad.Const(1, 2, []float64{0, 0}), ad.Const(1, 3, []float64{1, 1, 1}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
}

func TestKLLogNormalLogNormal(t *testing.T) {
	build := func(p, q []float64) (Distribution, Distribution) { return logNormal1(p), logNormal1(q) }
	for _, c := range [][4]float64{{0, 1, 0, 1}, {0, 1, 1, 2}, {-2, 0.3, 1, 5}, {1, 0.8, -1, 0.5}} {
		p, q := logNormal1(c[:2]), logNormal1(c[2:])
		med := math.Exp(c[0])
		want := klQuadLogTails(p, q, 0, math.Inf(1), med, med*math.Exp(-3*c[1]), med*math.Exp(3*c[1]))
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
		// Equal to the normal KL of the logarithms.
		np, nq := Must(NewNormal(c[0], c[1])), Must(NewNormal(c[2], c[3]))
		assertRel(t, klScalar(t, np, nq), klScalar(t, p, q), 1e-14, "KL %v = Normal KL", c)
	}
	checkKLRef(t, "LogNormal", build, 5e-15, 5e-15)
	// Fisher information of LogNormal(μ, σ): diag(1/σ², 2/σ²).
	s := 1.3
	checkKLFisher(t, logNormal1, []float64{0.7, s}, []float64{s, s}, [][]float64{{1 / (s * s), 0}, {0, 2 / (s * s)}}, 5e-6)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return LogNormal{Loc: v[0], Scale: v[1]}, LogNormal{Loc: v[2], Scale: v[3]}
	}, []ad.Matrix{row(0.1, -0.4), row(0.8, 1.9), mat(0.5), row(1.2, 0.6)}, nil)
	checkKLBatch(t, func(v []ad.Var) (Distribution, Distribution) {
		return LogNormal{Loc: v[0], Scale: v[1]}, LogNormal{Loc: v[2], Scale: v[3]}
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.1, -0.4, 3, 0}}, row(0.8, 1.9), mat(0.5), col(1.2, 0.6)})
	checkKLRandom(t, newRNG(11), func(rng *rand.Rand) (Distribution, Distribution) {
		return Must(NewLogNormal(3*rng.NormFloat64(), logUniform(rng, 1e-2, 1e2))), Must(NewLogNormal(3*rng.NormFloat64(), logUniform(rng, 1e-2, 1e2)))
	}, 500)
	checkKLMonteCarlo(t, Must(NewLogNormal(0, 1)), Must(NewLogNormal(1, 2)), newRNG(62), 100000, 5)
}
