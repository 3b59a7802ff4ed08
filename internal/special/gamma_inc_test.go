package special

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

type gammaIncRef struct {
	A       float64  `json:"a"`
	X       *float64 `json:"x"`
	LogX    *float64 `json:"logx"`
	DPda    *float64 `json:"dPda"`
	DLogXda float64  `json:"dlogxda"`
}

func loadGammaIncRef(t *testing.T) []gammaIncRef {
	t.Helper()
	b, err := os.ReadFile("testdata/gamma_inc_da.json")
	require.NoError(t, err)
	var refs []gammaIncRef
	require.NoError(t, json.Unmarshal(b, &refs))
	require.NotEmpty(t, refs)
	return refs
}

// TestGammaIncRegDaMpmath compares with mpmath (40 digits, numerical
// differentiation of gammainc; testdata/gen_gamma_inc_da.py), over all
// three expansions and x far below float64's range.
func TestGammaIncRegDaMpmath(t *testing.T) {
	for _, r := range loadGammaIncRef(t) {
		if r.X != nil {
			x := *r.X
			if r.DPda != nil {
				assert.InEpsilon(t, *r.DPda, GammaIncRegDa(r.A, x), 1e-12, "dP/da at a=%v x=%v", r.A, x)
			}
			assert.InEpsilon(t, r.DLogXda, GammaLogXDa(r.A, math.Log(x)), 1e-12, "dlogx/da at a=%v x=%v", r.A, x)
		} else {
			assert.InEpsilon(t, r.DLogXda, GammaLogXDa(r.A, *r.LogX), 1e-12, "dlogx/da at a=%v logx=%v", r.A, *r.LogX)
		}
	}
}

var gammaIncGrid = []struct{ a, x float64 }{
	{0.05, 0.01}, {0.05, 0.7}, {0.05, 3}, {0.4, 0.1}, {0.4, 1.39}, {0.4, 1.41}, {0.4, 5},
	{1, 0.3}, {1, 1.99}, {1, 2.01}, {1, 6}, {3.7, 1}, {3.7, 4.69}, {3.7, 4.71}, {3.7, 12},
	{15, 8}, {15, 15.5}, {15, 16.5}, {15, 30}, {25, 17}, {25, 18}, {25, 25}, {25, 32}, {25, 33},
	{80, 60}, {80, 85}, {80, 110}, {500, 480}, {500, 560},
}

// TestGammaIncRegDaFiniteDifferences checks ∂P/∂a against central
// differences of gonum's mathext.GammaIncReg (an independent
// implementation of P).
func TestGammaIncRegDaFiniteDifferences(t *testing.T) {
	for _, c := range gammaIncGrid {
		num := fd.Derivative(func(a float64) float64 { return mathext.GammaIncReg(a, c.x) }, c.a,
			&fd.Settings{Formula: fd.Central, Step: 1e-5 * c.a})
		assert.InEpsilon(t, num, GammaIncRegDa(c.a, c.x), 2e-6, "dP/da at a=%v x=%v", c.a, c.x)
	}
}

// TestGammaIncRegDaIntegral checks ∂P/∂a = ∫_0^x f(t; a)(log t - ψ(a)) dt
// (differentiation under the integral) by Gauss-Legendre quadrature in
// t = x e^(-s), which removes the singularity of f at 0.
func TestGammaIncRegDaIntegral(t *testing.T) {
	for _, c := range gammaIncGrid {
		if c.a < 0.3 {
			continue // e^(-as) decays too slowly for a fixed rule
		}
		lx, psi, lg := math.Log(c.x), Digamma(c.a), Lgamma(c.a)
		f := func(s float64) float64 {
			// f(t) dt with t = x e^(-s): t^a e^(-t)/Γ(a) ds.
			lt := lx - s
			return math.Exp(c.a*lt-math.Exp(lt)-lg) * (lt - psi)
		}
		// The integrand peaks near s = log(x/a); integrate [0, S] in pieces
		// and the tail [S, ∞) by gonum's infinite-interval rule.
		S := math.Max(0, lx-math.Log(c.a)) + 40/math.Sqrt(c.a) + 40/c.a
		var sum float64
		const pieces = 200
		for k := 0; k < pieces; k++ {
			sum += quad.Fixed(f, S*float64(k)/pieces, S*float64(k+1)/pieces, 32, nil, 0)
		}
		sum += quad.Fixed(f, S, math.Inf(1), 2000, nil, 0)
		assert.InEpsilon(t, sum, GammaIncRegDa(c.a, c.x), 1e-10, "∫ f(log t - ψ) at a=%v x=%v", c.a, c.x)
	}
}

// TestGammaLogXDaImplicit checks the meaning of GammaLogXDa: the quantile
// x(a) = P⁻¹(a, u) (gonum's mathext.GammaIncRegInv) at fixed u moves as
// d log x/da, by central differences in a.
func TestGammaLogXDaImplicit(t *testing.T) {
	for _, a := range []float64{0.2, 1, 4.5, 30, 300} {
		for _, u := range []float64{0.05, 0.3, 0.5, 0.8, 0.97} {
			x := mathext.GammaIncRegInv(a, u)
			num := fd.Derivative(func(a float64) float64 { return math.Log(mathext.GammaIncRegInv(a, u)) }, a,
				&fd.Settings{Formula: fd.Central, Step: 1e-4 * a})
			assert.InEpsilon(t, num, GammaLogXDa(a, math.Log(x)), 1e-5, "dlogx/da at a=%v u=%v", a, u)
		}
	}
}

// TestGammaLogXDaRegions checks that the three expansions agree where
// their domains meet or overlap.
func TestGammaLogXDaRegions(t *testing.T) {
	for _, a := range []float64{0.01, 0.5, 3, 19} {
		x := a + 1
		lx := math.Log(x)
		assert.InEpsilon(t, -gammaSeriesTerm(a, x, lx)/a, gammaCFTerm(a, x, lx), 1e-13, "series vs CF at a=%v x=a+1", a)
	}
	for _, a := range []float64{20, 45, 200, 5000} {
		for _, r := range []float64{0.7, 0.85, 0.99, 1.0, 1.02, 1.15, 1.3} {
			x := a * r
			lx := math.Log(x)
			var ref float64
			if x < a+1 {
				ref = -gammaSeriesTerm(a, x, lx) / a
			} else {
				ref = gammaCFTerm(a, x, lx)
			}
			// The series and fraction sum O(√a) terms, so their own rounding
			// grows slowly with a.
			assert.InEpsilon(t, ref, temmeLogXDa(a, x), 5e-13, "Temme vs series/CF at a=%v x=%v", a, x)
		}
	}
}

func TestGammaIncRegDaEdges(t *testing.T) {
	assert.Equal(t, 0.0, GammaIncRegDa(2, 0))
	assert.Equal(t, 0.0, GammaIncRegDa(2, math.Inf(1)))
	assert.True(t, math.IsNaN(GammaIncRegDa(0, 1)))
	assert.True(t, math.IsNaN(GammaIncRegDa(1, -1)))
	assert.True(t, math.IsNaN(GammaLogXDa(-1, 0)))
	assert.True(t, math.IsNaN(GammaLogXDa(1, math.NaN())))
	// Far tails underflow the prefactor to 0 without NaN.
	assert.Equal(t, 0.0, GammaIncRegDa(1, 2000))
	// Tiny x: P ≈ x^a/Γ(a+1), so ∂P/∂a ≈ P (log x - ψ(a+1)) and
	// ∂ log x/∂a ≈ -(log x - ψ(a+1))/a.
	a, lx := 0.5, -600.0
	assert.InEpsilon(t, -(lx-Digamma(a+1))/a, GammaLogXDa(a, lx), 1e-14, "tiny x")
	// lgammaCorr against the definition.
	for _, a := range []float64{10, 37.5, 1000} {
		direct := Lgamma(a) - ((a-0.5)*math.Log(a) - a + 0.5*math.Log(2*math.Pi))
		assert.InDelta(t, direct, lgammaCorr(a), 2e-14*Lgamma(a), "lgammaCorr(%v)", a)
	}
}

func BenchmarkGammaLogXDa(b *testing.B) {
	for _, c := range []struct {
		name string
		a, x float64
	}{{"a=0.01", 0.01, 0.5}, {"a=1", 1, 1}, {"a=1,tail", 1, 8}, {"a=100", 100, 103}, {"a=1e6", 1e6, 1.0005e6}} {
		lx := math.Log(c.x)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				GammaLogXDa(c.a, lx)
			}
		})
	}
}

// TestLgammaBregmanMpmath compares D(a, b) with mpmath at 60 digits
// (testdata/gen_lgamma_bregman.py), from b = a(1 ± 1e-10) to b = 100a.
func TestLgammaBregmanMpmath(t *testing.T) {
	raw, err := os.ReadFile("testdata/lgamma_bregman.json")
	require.NoError(t, err)
	var refs []struct{ A, B, D float64 }
	require.NoError(t, json.Unmarshal(raw, &refs))
	require.NotEmpty(t, refs)
	for _, r := range refs {
		assert.InEpsilon(t, r.D, LgammaBregman(r.A, r.B), 4e-15, "D(%v, %v)", r.A, r.B)
	}
	assert.Equal(t, 0.0, LgammaBregman(2.5, 2.5))
	assert.True(t, math.IsNaN(LgammaBregman(0, 1)))
	assert.True(t, math.IsNaN(LgammaBregman(1, math.NaN())))
	// Far from a = b the direct form is accurate: an independent check.
	for _, c := range [][2]float64{{0.7, 3}, {12, 2}, {30, 90}} {
		direct := Lgamma(c[1]) - Lgamma(c[0]) - (c[1]-c[0])*Digamma(c[0])
		assert.InEpsilon(t, direct, LgammaBregman(c[0], c[1]), 1e-13, "direct D%v", c)
	}
}

// TestLgammaBregmanD checks that a separately given difference is used:
// for s₁ = 2.000002 + 3 (rounded) and the exact d = (2 - 2.000002) + 0,
// D(s₁, s₁ + d) against its Taylor series
// Σ_{n≥2} ψ⁽ⁿ⁻¹⁾(s₁) dⁿ/n!; forming s₁ + d and subtracting again would
// lose about 1e-10 of d to rounding.
func TestLgammaBregmanD(t *testing.T) {
	a1, b1 := 2.000002, 3.0
	s1 := a1 + b1
	d := (2 - a1) + (3 - b1)
	want := Trigamma(s1)*d*d/2 + Polygamma(2, s1)*d*d*d/6 + Polygamma(3, s1)*d*d*d*d/24
	assert.InEpsilon(t, want, LgammaBregmanD(s1, d), 1e-14, "D with exact difference")
	assert.True(t, math.IsNaN(LgammaBregmanD(1, -2)))
	assert.Equal(t, 0.0, LgammaBregmanD(3, 0))
}

// TestLogXGammaPDF compares with the direct form where that is accurate
// (small a, or x far from a where the terms do not cancel) and with
// Stirling's series at x = a, where log(x f(x)) = ½ log(a/2π) - lgammaCorr(a).
func TestLogXGammaPDF(t *testing.T) {
	for _, c := range [][2]float64{{0.3, 2}, {4, 0.01}, {30, 1e-8}, {30, 1e4}, {12, 3}} {
		a, x := c[0], c[1]
		assert.InEpsilon(t, a*math.Log(x)-x-Lgamma(a), LogXGammaPDF(a, x), 1e-13, "at %v", c)
	}
	for _, a := range []float64{1e3, 1e4, 1e9} {
		// At x = a: ½ log(a/2π) - (log Γ(a) - Stirling's main part), the
		// latter 1/(12a) - 1/(360a³) + O(a⁻⁵).
		want := 0.5*math.Log(a/(2*math.Pi)) - (1.0/12/a - 1.0/360/(a*a*a))
		assert.InEpsilon(t, want, LogXGammaPDF(a, a), 1e-14, "at x = a = %v", a)
	}
	assert.InEpsilon(t, 10*math.Log(10)-10-Lgamma(10), LogXGammaPDF(10, 10), 5e-14, "at x = a = 10 (the direct form cancels to 0.23 from 23)")
}
