package dist

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// Test helpers of the gamma group (Gamma, Chi2, InverseGamma, Beta,
// Dirichlet, StudentT and their KL pairs).

// gammaRef is testdata/gamma_ref.json, written by
// testdata/gen_gamma_ref.py with mpmath at 50 digits.
type gammaRef struct {
	KLGamma []struct {
		P, Q []float64
		KL   float64
		Near bool
	} `json:"kl_gamma"`
	KLInverseGamma []struct {
		P, Q []float64
		KL   float64
	} `json:"kl_inverse_gamma"`
	KLChi2 []struct {
		P, Q, KL float64
	} `json:"kl_chi2"`
	KLChi2Gamma []struct {
		K  float64
		Q  []float64
		KL float64
	} `json:"kl_chi2_gamma"`
	KLGammaChi2 []struct {
		P  []float64
		K  float64
		KL float64
	} `json:"kl_gamma_chi2"`
	KLBeta []struct {
		P, Q []float64
		KL   float64
		Near bool
	} `json:"kl_beta"`
	KLDirichlet []struct {
		P, Q []float64
		KL   float64
		Near bool
	} `json:"kl_dirichlet"`
	StudentTLargeDf []struct {
		Nu, X, LogPDF, DNu float64
	} `json:"studentt_large_df"`
	LargeShapeLogPDF []struct {
		Family          string
		A, B, X, LogPDF float64
	} `json:"large_shape_logpdf"`
	Entropy struct {
		Gamma        [][3]float64 `json:"gamma"`
		InverseGamma [][3]float64 `json:"inverse_gamma"`
		StudentT     [][4]float64 `json:"studentt"`
		Dirichlet    []struct {
			Alpha []float64
			H     float64
		} `json:"dirichlet"`
	} `json:"entropy"`
}

func loadGammaRef(t *testing.T) gammaRef {
	t.Helper()
	raw, err := os.ReadFile("testdata/gamma_ref.json")
	require.NoError(t, err)
	var r gammaRef
	require.NoError(t, json.Unmarshal(raw, &r))
	require.NotEmpty(t, r.KLGamma)
	return r
}

// gammaMeanSE returns the mean of xs and its standard error.
func gammaMeanSE(xs []float64) (float64, float64) {
	n := float64(len(xs))
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= n
	var v float64
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return m, math.Sqrt(v / (n - 1) / n)
}

// gammaPathwiseGrads estimates d/dθ E[f(z)] for z ~ build(θ) by Rsample:
// every parameter is an n x 1 Param repeating its scalar value, one draw
// is made per row, and the per-row gradients of Σ f(z) are the per-draw
// pathwise estimates. It returns them per parameter.
func gammaPathwiseGrads(rng *rand.Rand, n int, vals []float64, build func(ps []ad.Var) Reparameterized, f func(ad.Var) ad.Var) [][]float64 {
	tp := ad.NewTape()
	ps := make([]*ad.Param, len(vals))
	vs := make([]ad.Var, len(vals))
	for i, v := range vals {
		init := make([]float64, n)
		for k := range init {
			init[k] = v
		}
		ps[i] = ad.NewParam("θ", n, 1, init)
		vs[i] = tp.Param(ps[i])
	}
	tp.Backward(ad.Sum(f(build(vs).Rsample(rng, 1))))
	out := make([][]float64, len(vals))
	for i, p := range ps {
		out[i] = p.Grad
	}
	return out
}

// assertPathwiseGamma asserts that the mean of per-draw gradients g is
// within 5 Monte Carlo standard errors of want.
func assertPathwiseGamma(t *testing.T, want float64, g []float64, msg string, args ...any) {
	t.Helper()
	m, se := gammaMeanSE(g)
	assert.InDelta(t, want, m, 5*se, append([]any{"Rsample " + msg + " (5 Monte Carlo SE)"}, args...)...)
}

// entropyQuadGamma returns -∫ p log p over [lo, hi] for a 1x1 univariate
// distribution.
func entropyQuadGamma(d Distribution, lo, hi float64, breaks ...float64) float64 {
	return -integrate(func(x float64) float64 {
		lp := logProbAt(d, x)
		if math.IsInf(lp, -1) {
			return 0
		}
		return math.Exp(lp) * lp
	}, lo, hi, breaks...)
}

// checkScalarFnGradGamma checks the gradient of a function of the
// distribution's parameters (Mean, Variance, Entropy) by finite
// differences.
func checkScalarFnGradGamma(t *testing.T, fn func(ps []ad.Var) ad.Var, params []ad.Matrix, msg string) {
	t.Helper()
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return fn(v) }, params, nil)
	assert.NoError(t, err, msg)
}

// checkKLRandomGamma asserts KL(p, q) >= 0 and KL(p, p) = 0 for random
// pairs from gen.
func checkKLRandomGamma(t *testing.T, rng *rand.Rand, gen func(rng *rand.Rand) Distribution) {
	t.Helper()
	for range 300 {
		p, q := gen(rng), gen(rng)
		kl := klScalar(t, p, q)
		assert.GreaterOrEqual(t, kl, 0.0, "KL(%v || %v) >= 0", p, q)
		assert.Equal(t, 0.0, klScalar(t, p, p), "KL(p || p) = 0")
	}
}

// logUniformGamma returns exp(U(lo, hi)) for log-uniform random parameters.
func logUniformGamma(rng *rand.Rand, lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
}
