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

// logBesselI0QuadMisc returns log I₀(k) from the integral representation
// I₀(k) = (1/π) ∫₀^π e^{k cos t} dt (DLMF 10.32.1) by quadrature,
// independently of internal/special.
func logBesselI0QuadMisc(k float64) float64 {
	w := 1 / math.Sqrt(math.Max(k, 1))
	s := integrate(func(t float64) float64 { return math.Exp(k * (math.Cos(t) - 1)) }, 0, math.Pi, w, 2*w, 4*w, 8*w, 16*w)
	return k + math.Log(s/math.Pi)
}

// vonMisesLogPdfMisc returns the von Mises log-density written out with
// the quadrature I₀ (computed once).
func vonMisesLogPdfMisc(loc, k float64) func(x float64) float64 {
	li0 := logBesselI0QuadMisc(k)
	return func(x float64) float64 {
		return k*math.Cos(x-loc) - math.Log(2*math.Pi) - li0
	}
}

// circularBreaksMisc returns breakpoints for integrating a von Mises
// density with location loc and concentration k over [-π, π]: the mode
// (wrapped) and points at multiples of 1/√k on both sides of it.
func circularBreaksMisc(loc, k float64) []float64 {
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

// tanhSinhMisc returns ∫_a^b f by the tanh-sinh (double exponential) rule
// of Takahasi & Mori (1974) with step h = 2^-6 on t ∈ [-6.25, 6.25],
// which reaches within 1e-300 of the ends. f is
// called as f(x, da, db) with da = x - a and db = b - x computed without
// cancellation, so that integrands with singularities at the ends can be
// evaluated accurately next to them. Points where either distance
// underflows are skipped.
func tanhSinhMisc(f func(x, da, db float64) float64, a, b float64) float64 {
	const h = 1.0 / 64
	half := (b - a) / 2
	var s float64
	for k := -400; k <= 400; k++ {
		t := float64(k) * h
		u := math.Pi / 2 * math.Sinh(t)
		// x = mid + half·tanh(u); distances to the ends: half(1 ∓ tanh u).
		e := math.Exp(-2 * math.Abs(u))
		near := half * 2 * e / (1 + e) // distance to the nearer end
		if near == 0 {
			continue
		}
		var x, da, db float64
		if u < 0 {
			da, db = near, (b-a)-near
			x = a + da
		} else {
			db, da = near, (b-a)-near
			x = b - db
		}
		ch := math.Cosh(u)
		w := h * half * math.Pi / 2 * math.Cosh(t) / (ch * ch)
		v := f(x, da, db)
		if v != 0 {
			s += w * v
		}
	}
	return s
}

// meanSEMisc returns the mean of xs and its standard error.
func meanSEMisc(xs []float64) (mean, se float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	var v float64
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(v / (n - 1) / n)
}

// pathwiseMisc draws one Rsample from each of n copies of a distribution
// whose parameters are n x 1 Params filled with vals, applies g to each
// draw and backpropagates Σ g(z_i): Param i's gradient row holds the
// per-draw pathwise derivative dg(z_i)/dθ. It returns, for each parameter,
// the mean of those derivatives and its standard error.
func pathwiseMisc(t *testing.T, rng *rand.Rand, n int, vals []float64,
	build func(ps []ad.Var) Reparameterized, g func(z ad.Var) ad.Var) (mean, se []float64) {
	t.Helper()
	tp := ad.NewTape()
	params := make([]*ad.Param, len(vals))
	vars := make([]ad.Var, len(vals))
	for i, v := range vals {
		data := make([]float64, n)
		for j := range data {
			data[j] = v
		}
		params[i] = ad.NewParam("p", n, 1, data)
		vars[i] = tp.Param(params[i])
	}
	z := build(vars).Rsample(rng, 1)
	require.Equal(t, n, z.Rows())
	tp.Backward(ad.Sum(g(z)))
	for _, p := range params {
		m, s := meanSEMisc(p.Grad)
		mean = append(mean, m)
		se = append(se, s)
	}
	return mean, se
}

// assertWithinSEMisc asserts |got - want| <= z·se.
func assertWithinSEMisc(t *testing.T, want, got, se, z float64, msg string, args ...any) {
	t.Helper()
	assert.InDelta(t, want, got, z*se+1e-15, append([]any{msg}, args...)...)
}

// cbMisc builds a ContinuousBernoulli from a reference's kind and value.
func cbMisc(t *testing.T, kind any, v any) ContinuousBernoulli {
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
