package special

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

func TestDigammaKnownValues(t *testing.T) {
	const euler = 0.57721566490153286061
	assert.InEpsilon(t, -euler, Digamma(1), 1e-15, "ψ(1) = -γ")
	assert.InEpsilon(t, -euler-2*math.Ln2, Digamma(0.5), 1e-15, "ψ(1/2)")
	assert.InEpsilon(t, 1-euler, Digamma(2), 1e-15, "ψ(2)")
	// ψ(n) = H_{n-1} - γ
	h := 0.0
	for n := 1; n <= 40; n++ {
		assert.InEpsilon(t, h-euler, Digamma(float64(n)), 2e-15, "ψ(%d)", n)
		h += 1 / float64(n)
	}
	// The positive root of ψ: absolute accuracy there.
	assert.InDelta(t, 0, Digamma(1.4616321449683623412626595), 1e-15, "root")
	// Reflection against the recurrence ψ(x+1) = ψ(x) + 1/x at negative x.
	for _, x := range []float64{-0.5, -1.3, -2.7, -10.1} {
		assert.InEpsilon(t, Digamma(x)+1/x, Digamma(x+1), 1e-12, "recurrence at %v", x)
	}
	assert.True(t, math.IsNaN(Digamma(0)))
	assert.True(t, math.IsNaN(Digamma(-3)))
	// Large x: ψ(x) ~ log x - 1/(2x)
	assert.InEpsilon(t, math.Log(1e10)-0.5e-10, Digamma(1e10), 1e-15, "large x")
	// Agreement with gonum's independent implementation.
	for _, x := range []float64{0.01, 0.3, 1.7, 3.3, 8, 25, 300} {
		// gonum's series stops early (about 1e-11 relative); ours is checked
		// to 2e-15 above.
		assert.InEpsilon(t, mathext.Digamma(x), Digamma(x), 1e-10, "gonum at %v", x)
	}
}

func TestTrigammaPolygamma(t *testing.T) {
	assert.InEpsilon(t, math.Pi*math.Pi/6, Trigamma(1), 1e-15, "ψ₁(1)")
	assert.InEpsilon(t, math.Pi*math.Pi/2, Trigamma(0.5), 1e-15, "ψ₁(1/2)")
	for _, x := range []float64{1e-6, 0.2, 0.9, 2.5, 7, 11, 40, 1e4, -0.3, -2.6} {
		num := fd.Derivative(Digamma, x, &fd.Settings{Formula: fd.Central, Step: 1e-5 * math.Max(1, math.Abs(x))})
		tol := 1e-6
		if x == 1e-6 {
			num = 1/(x*x) + math.Pi*math.Pi/6 // ψ₁(x) = 1/x² + ψ₁(1+x)
			tol = 1e-10
		}
		assert.InEpsilon(t, num, Trigamma(x), tol, "ψ₁ vs dψ/dx at %v", x)
	}
	// ψ⁽²⁾(1) = -2ζ(3)
	assert.InEpsilon(t, -2*1.2020569031595942854, Polygamma(2, 1), 1e-14, "ψ₂(1)")
	for _, x := range []float64{0.3, 1.5, 6} {
		num := fd.Derivative(Trigamma, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
		assert.InEpsilon(t, num, Polygamma(2, x), 1e-6, "ψ₂ at %v", x)
	}
	// ψ₁(x) = ∫ t e^{-xt}/(1-e^{-t}) dt over (0, ∞)
	for _, x := range []float64{0.7, 3.2} {
		f := func(s float64) float64 {
			u := s / (1 - s) // map (0,1) to (0,∞)
			if u == 0 {
				return 1 / ((1 - s) * (1 - s)) * math.Exp(-x*u)
			}
			return u * math.Exp(-x*u) / -math.Expm1(-u) / ((1 - s) * (1 - s))
		}
		assert.InEpsilon(t, quad.Fixed(f, 0, 1, 2000, nil, 0), Trigamma(x), 1e-9, "integral at %v", x)
	}
}

func TestStableForms(t *testing.T) {
	assert.InEpsilon(t, 1000.0, Softplus(1000), 1e-15, "softplus large")
	assert.InEpsilon(t, math.Exp(-700), Softplus(-700), 1e-12, "softplus tiny")
	assert.InEpsilon(t, math.Log(2), Softplus(0), 1e-15, "softplus 0")
	assert.InEpsilon(t, -1000.0, LogSigmoid(-1000), 1e-15, "logsigmoid")
	assert.InEpsilon(t, 1.0, Sigmoid(800), 1e-15, "sigmoid")
	assert.InEpsilon(t, math.Exp(-700), Sigmoid(-700), 1e-12, "sigmoid tiny")
	assert.InEpsilon(t, 1000+math.Log(2), LogAddExp(1000, 1000), 1e-15, "logaddexp")
	assert.Equal(t, math.Inf(-1), LogAddExp(math.Inf(-1), math.Inf(-1)))
	assert.InEpsilon(t, 3+math.Log(1+math.Exp(-1)+math.Exp(-2)), LogSumExp([]float64{1, 2, 3}), 1e-15, "lse")
	assert.InEpsilon(t, math.Log(-math.Expm1(-1e-20)), Log1mExp(-1e-20), 1e-15, "log1mexp small")
	assert.InEpsilon(t, math.Log1p(-math.Exp(-50)), Log1mExp(-50), 1e-15, "log1mexp large")
	assert.Equal(t, 0.0, Xlogy(0, 0))
	assert.InEpsilon(t, 2*math.Log(3), Xlogy(2, 3), 1e-15, "xlogy")
	for _, d := range []float64{1e-9, -3e-7, 1e-3, -0.009, 0.5, -2, 10} {
		want := expm1MinusXBig(d)
		assert.InEpsilon(t, want, LogRatioM1(d), 1e-14, "r-1-log r at d=%v", d)
	}
}

// expm1MinusXBig returns e^d - 1 - d from its Taylor series in 256-bit
// arithmetic, an independent reference for LogRatioM1.
func expm1MinusXBig(d float64) float64 {
	const prec = 256
	x := new(big.Float).SetPrec(prec).SetFloat64(d)
	term := new(big.Float).SetPrec(prec).Mul(x, x)
	term.Quo(term, big.NewFloat(2))
	sum := new(big.Float).SetPrec(prec)
	for k := 3; k < 200; k++ {
		sum.Add(sum, term)
		term.Mul(term, x)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(k)))
	}
	f, _ := sum.Float64()
	return f
}
