package special

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
)

// besselRef is testdata/bessel_ref.json, written by
// testdata/gen_bessel_ref.py with mpmath at 50 digits.
type besselRef struct {
	Bessel []struct {
		X, I0e, I1e, LogI0, LogI0e, A, OneMinusA, Da float64
	}
	Ratios []struct {
		X   float64
		N   []int
		Rho []float64
	}
	VonMisesCDF []struct {
		K, Y, CDF, Dk, Pdf float64
	} `json:"vonmises_cdf"`
}

func loadBesselRef(t *testing.T) besselRef {
	t.Helper()
	b, err := os.ReadFile("testdata/bessel_ref.json")
	require.NoError(t, err)
	var r besselRef
	require.NoError(t, json.Unmarshal(b, &r))
	// json field names: i0e, one_minus_a, ... map by hand where needed.
	var raw struct {
		Bessel []map[string]float64
	}
	require.NoError(t, json.Unmarshal(b, &raw))
	for i, m := range raw.Bessel {
		r.Bessel[i].LogI0 = m["logi0"]
		r.Bessel[i].LogI0e = m["logi0e"]
		r.Bessel[i].OneMinusA = m["one_minus_a"]
	}
	require.NotEmpty(t, r.Bessel)
	return r
}

func relErrMisc(want, got float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

func TestBesselAgainstMpmath(t *testing.T) {
	ref := loadBesselRef(t)
	var worst float64
	for _, c := range ref.Bessel {
		x := c.X
		a, r, da := BesselRatios(x)
		for _, chk := range []struct {
			name      string
			want, got float64
			tol       float64
		}{
			{"I0e", c.I0e, BesselI0e(x), 1e-15},
			{"I1e", c.I1e, BesselI1e(x), 1e-15},
			{"logI0", c.LogI0, LogBesselI0(x), 1e-15},
			{"logI0e", c.LogI0e, LogBesselI0e(x), 1e-15},
			{"A", c.A, a, 1e-15},
			{"1-A", c.OneMinusA, r, 1.5e-15},
			{"A'", c.Da, da, 5e-14},
		} {
			e := relErrMisc(chk.want, chk.got)
			worst = math.Max(worst, e/chk.tol)
			assert.LessOrEqual(t, e, chk.tol, "%s(%v): want %v got %v", chk.name, x, chk.want, chk.got)
		}
	}
	// Odd and even symmetry.
	assert.Equal(t, BesselI0e(3.3), BesselI0e(-3.3))
	assert.Equal(t, -BesselI1e(3.3), BesselI1e(-3.3))
	assert.Equal(t, -BesselRatio(25), BesselRatio(-25))
	assert.True(t, math.IsNaN(BesselI0e(math.NaN())))
	assert.Equal(t, 0.0, BesselI0e(math.Inf(1)))
	assert.Equal(t, math.Inf(1), LogBesselI0(math.Inf(1)))
}

func TestBesselRatioDerivative(t *testing.T) {
	// A' against central differences of A, on both sides of the switch
	// between the power series and the asymptotic expansion.
	for _, x := range []float64{0.2, 1, 5, 19.5, 20.5, 40, 400} {
		num := fd.Derivative(BesselRatio, x, &fd.Settings{Formula: fd.Central, Step: 1e-4 * x})
		_, _, da := BesselRatios(x)
		assert.InEpsilon(t, num, da, 1e-7, "A'(%v)", x)
	}
	// The methods agree where they meet: power series and trapezoid at
	// x = 1, trapezoid and asymptotic expansion at x = 20.
	for _, x := range []float64{besselSmall, besselAsymptoticMin} {
		i0e, i1e, de := besselTrapezoid(x)
		if x == besselSmall {
			i0m1, i1, _ := besselSeries(x)
			assert.InEpsilon(t, (1+i0m1)*math.Exp(-x), i0e, 1e-15, "I0e at %v", x)
			assert.InEpsilon(t, i1*math.Exp(-x), i1e, 1e-15, "I1e at %v", x)
			continue
		}
		s := besselAsymptotic(x)
		sq := math.Sqrt(2 * math.Pi * x)
		assert.InEpsilon(t, s.s0/sq, i0e, 1e-15, "I0e at %v", x)
		assert.InEpsilon(t, s.s1/sq, i1e, 1e-15, "I1e at %v", x)
		assert.InEpsilon(t, s.d/sq, de, 1e-15, "(I0-I1)e at %v", x)
	}
}

func TestBesselIRatios(t *testing.T) {
	ref := loadBesselRef(t)
	buf := make([]float64, 20000)
	for _, c := range ref.Ratios {
		rho, ok := BesselIRatios(buf, c.X)
		require.True(t, ok, "x = %v", c.X)
		assert.Less(t, rho[len(rho)-1], 1e-18, "last ratio at %v", c.X)
		for i, n := range c.N {
			if n >= len(rho) {
				// Truncated after the first ratio below 1e-18.
				assert.Less(t, c.Rho[i], 1e-18, "ρ_%d(%v) left out", n, c.X)
				continue
			}
			got := rho[n]
			assert.LessOrEqual(t, relErrMisc(c.Rho[i], got), 1e-14, "ρ_%d(%v): want %v got %v", n, c.X, c.Rho[i], got)
		}
		// ρ_1 = A.
		assert.InEpsilon(t, BesselRatio(c.X), rho[1], 1e-14, "ρ_1(%v)", c.X)
	}
	// The estimate of the last needed index holds over a wide range: the
	// sum identity I₀ + 2Σ I_n = e^x (DLMF 10.35.5) checks every ratio.
	for _, x := range []float64{1e-8, 1e-3, 0.7, 3, 9, 27, 31, 150, 2500, 1e5, 1e6} {
		rho, ok := BesselIRatios(buf, x)
		require.True(t, ok, "x = %v", x)
		sum := 1.0
		for _, r := range rho[1:] {
			sum += 2 * r
		}
		assert.InEpsilon(t, 1/BesselI0e(x), sum, 1e-13, "Σ ρ_n at %v", x)
	}
	// Too short a buffer is reported.
	_, ok := BesselIRatios(make([]float64, 3), 100)
	assert.False(t, ok)
}

func TestVonMisesCDFAgainstMpmath(t *testing.T) {
	ref := loadBesselRef(t)
	for _, c := range ref.VonMisesCDF {
		v := NewVonMisesCDF(c.K)
		g, gk, pdf := v.Eval(c.Y)
		assert.InDelta(t, c.CDF, g, 2e-15, "G(%v; k=%v)", c.Y, c.K)
		tolk := 2e-15 * math.Max(1, math.Abs(c.Dk))
		assert.InDelta(t, c.Dk, gk, tolk, "∂G/∂k(%v; k=%v)", c.Y, c.K)
		assert.InDelta(t, c.Pdf, pdf, 1e-13*c.Pdf, "f(%v; k=%v)", c.Y, c.K)
		if c.K > VonMisesSeriesMax && c.Pdf > 1e-250 && c.Y != 0 {
			// The quadrature keeps relative accuracy in the tails.
			if c.Y < 0 {
				assert.InEpsilon(t, c.CDF, g, 1e-13, "relative G(%v; k=%v)", c.Y, c.K)
			}
			assert.InEpsilon(t, c.Dk, gk, 1e-12, "relative ∂G/∂k(%v; k=%v)", c.Y, c.K)
		}
	}
	// Periodic extension: G(y + 2π) = G(y) + 1, ∂G/∂k periodic.
	for _, k := range []float64{0.7, 60} {
		v := NewVonMisesCDF(k)
		g0, d0, _ := v.Eval(1.1)
		g1, d1, _ := v.Eval(1.1 + 4*math.Pi)
		assert.InDelta(t, g0+2, g1, 1e-14)
		assert.InDelta(t, d0, d1, 1e-14)
		g2, _, _ := v.Eval(math.Pi)
		assert.InDelta(t, 1, g2, 1e-15)
	}
	// ∂G/∂k against finite differences in k across the method switch.
	for _, k := range []float64{0.3, 5, 29, 31, 300} {
		for _, y := range []float64{-1, -0.1, 0.4} {
			v := NewVonMisesCDF(k)
			_, gk, _ := v.Eval(y)
			num := fd.Derivative(func(k float64) float64 {
				w := NewVonMisesCDF(k)
				g, _, _ := w.Eval(y)
				return g
			}, k, &fd.Settings{Formula: fd.Central, Step: 1e-5 * k})
			assert.InDelta(t, num, gk, 1e-9, "∂G/∂k(%v; %v)", y, k)
		}
	}
}

func TestVonMisesCDFLargeKMethodsAgree(t *testing.T) {
	// The tail expansion (u² <= k/2) against the quadrature on the same
	// points, both sides of the mode: relative agreement in both tails.
	used := 0
	for _, k := range []float64{30.5, 45, 200, 3000, 1e6} {
		v := NewVonMisesCDF(k)
		for _, u := range []float64{-3.8, -2, -0.7, -0.01, 0, 0.02, 0.9, 2.5, 3.8} {
			y := 2 * math.Asin(u/(2*math.Sqrt(k)))
			g, gk, ok := v.tailSeries(y)
			if !ok {
				continue
			}
			used++
			gq, gkq := v.quadrature(y)
			assert.InDelta(t, gq, g, 1e-15, "G k=%v u=%v", k, u)
			assert.InDelta(t, gkq, gk, 1e-15/k, "∂G/∂k k=%v u=%v", k, u)
			if y < 0 {
				assert.InEpsilon(t, gq, g, 1e-13, "relative G k=%v u=%v", k, u)
			}
			if u != 0 {
				assert.InEpsilon(t, gkq, gk, 1e-11, "relative ∂G/∂k k=%v u=%v", k, u)
			}
		}
	}
	assert.Greater(t, used, 30)
	v := NewVonMisesCDF(40)
	_, _, ok := v.tailSeries(2)
	assert.False(t, ok, "outside u² <= k/2")
}
