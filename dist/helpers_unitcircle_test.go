package dist

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Test helpers of the VonMises, ContinuousBernoulli and Kumaraswamy tests
// (names end in Misc).

// miscRef is testdata/unitcircle_ref.json, written by testdata/gen_unitcircle_ref.py
// with mpmath at 60 digits.
type miscRef struct {
	VonMisesKL []struct {
		P, Q []float64
		KL   float64
	} `json:"vonmises_kl"`
	CB []struct {
		Kind                    string // "probs" or "logits"
		Value                   float64
		Eta                     float64
		LogNorm                 float64 `json:"log_norm"`
		Lp0, Lp03, Lp1          float64
		Mean, Variance, Entropy float64
	} `json:"cb"`
	CBKL []struct {
		P, Q []any // [kind, value]
		KL   float64
	} `json:"cb_kl"`
	Kumaraswamy []struct {
		A, B                    float64
		Mean, Variance, Entropy float64
	} `json:"kumaraswamy"`
	KumaraswamyBeta []struct {
		A, B, Alpha, Beta float64
		KL                float64
	} `json:"kumaraswamy_beta"`
}

func loadMiscRef(t *testing.T) miscRef {
	t.Helper()
	b, err := os.ReadFile("testdata/unitcircle_ref.json")
	require.NoError(t, err)
	var r miscRef
	require.NoError(t, json.Unmarshal(b, &r))
	return r
}

// logBesselI0Quad returns log I₀(k) from the integral representation
// I₀(k) = (1/π) ∫₀^π e^{k cos t} dt (DLMF 10.32.1) by quadrature,
// independently of internal/special.
func logBesselI0Quad(k float64) float64 {
	w := 1 / math.Sqrt(math.Max(k, 1))
	s := integrate(func(t float64) float64 { return math.Exp(k * (math.Cos(t) - 1)) }, 0, math.Pi, w, 2*w, 4*w, 8*w, 16*w)
	return k + math.Log(s/math.Pi)
}

// vonMisesLogPdf returns the von Mises log-density written out with
// the quadrature I₀ (computed once).
func vonMisesLogPdf(loc, k float64) func(x float64) float64 {
	li0 := logBesselI0Quad(k)
	return func(x float64) float64 {
		return k*math.Cos(x-loc) - math.Log(2*math.Pi) - li0
	}
}

// circularBreaks returns breakpoints for integrating a von Mises
// density with location loc and concentration k over [-π, π]: the mode
// (wrapped) and points at multiples of 1/√k on both sides of it.
func circularBreaks(loc, k float64) []float64 {
	m := math.Remainder(loc, 2*math.Pi)
	s := 1 / math.Sqrt(math.Max(k, 1))
	var br []float64
	for _, d := range []float64{0, 1, 2, 4, 8, 16} {
		for _, sg := range []float64{-1, 1} {
			br = append(br, math.Remainder(m+sg*d*s, 2*math.Pi))
		}
	}
	return append(br, math.Remainder(m+math.Pi, 2*math.Pi))
}

// assertWithinSE asserts |got - want| <= z·se.
func assertWithinSE(t *testing.T, want, got, se, z float64, msg string, args ...any) {
	t.Helper()
	assert.InDelta(t, want, got, z*se+1e-15, append([]any{msg}, args...)...)
}

// cbFromRef builds a ContinuousBernoulli from a reference's kind and value.
func cbFromRef(t *testing.T, kind any, v any) ContinuousBernoulli {
	t.Helper()
	x, ok := v.(float64)
	require.True(t, ok)
	switch kind {
	case "probs":
		return Must(NewContinuousBernoulli(x))
	case "logits":
		return Must(ContinuousBernoulliLogits(x))
	}
	t.Fatalf("unknown parameter kind %v", kind)
	return ContinuousBernoulli{}
}
