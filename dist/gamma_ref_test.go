package dist

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The mpmath references of the gamma group (Gamma, Chi2, InverseGamma,
// Beta, Dirichlet, StudentT and their KL pairs).

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
	var r gammaRef
	readRef(t, "gamma_ref.json", &r)
	require.NotEmpty(t, r.KLGamma)
	return r
}
