package dist

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
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
