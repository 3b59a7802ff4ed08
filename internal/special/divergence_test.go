package special

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
)

// bigKLRatio sums φ(e^d) = Σ_{k>=2} (k-1) d^k / k! in 300-bit arithmetic
// (every term is positive for d > 0; for d < 0 the alternating terms are
// far below the working precision's loss).
func bigKLRatio(d float64) float64 {
	const prec = 300
	x := new(big.Float).SetPrec(prec).SetFloat64(d)
	term := new(big.Float).SetPrec(prec).Mul(x, x)
	term.Quo(term, big.NewFloat(2).SetPrec(prec))
	s := new(big.Float).SetPrec(prec).Set(term)
	for k := 3; k < 400; k++ {
		term.Mul(term, x)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(k)))
		add := new(big.Float).SetPrec(prec).Mul(term, new(big.Float).SetPrec(prec).SetInt64(int64(k-1)))
		s.Add(s, add)
	}
	v, _ := s.Float64()
	return v
}

func TestKLRatio(t *testing.T) {
	for _, d := range []float64{1e-12, -1e-12, 1e-8, -3e-6, 1e-3, -0.01, 0.1, -0.3, 0.49, -0.49, 0.5, -0.5, 0.7, -0.9, 1, -1, 1.5, 3, -3, 8, -8, 20} {
		want := bigKLRatio(d)
		assert.InEpsilon(t, want, KLRatio(d), 4e-15, "φ(e^%v)", d)
	}
	// Against the defining formula where it does not cancel.
	for _, d := range []float64{-30, -5, 4, 30} {
		tt := math.Exp(d)
		assert.InEpsilon(t, tt*d-tt+1, KLRatio(d), 1e-13, "direct at %v", d)
	}
	assert.Equal(t, 0.0, KLRatio(0))
	assert.Equal(t, 1.0, KLRatio(math.Inf(-1)))
	assert.True(t, math.IsInf(KLRatio(800), 1))
	assert.True(t, math.IsNaN(KLRatio(math.NaN())))
}

// bigJSBinary sums Σ t^{2k}/(2k(2k-1)) in 300-bit arithmetic.
func bigJSBinary(t float64) float64 {
	const prec = 300
	x := new(big.Float).SetPrec(prec).SetFloat64(t)
	t2 := new(big.Float).SetPrec(prec).Mul(x, x)
	pow := new(big.Float).SetPrec(prec).Set(t2)
	s := new(big.Float).SetPrec(prec)
	tiny := new(big.Float).SetMantExp(big.NewFloat(1), -400)
	for k := 1; pow.Cmp(tiny) > 0; k++ {
		add := new(big.Float).SetPrec(prec).Quo(pow, new(big.Float).SetPrec(prec).SetInt64(int64(2*k*(2*k-1))))
		s.Add(s, add)
		pow.Mul(pow, t2)
	}
	v, _ := s.Float64()
	return v
}

func TestJSBinary(t *testing.T) {
	for _, x := range []float64{1e-9, -2e-6, 1e-3, 0.1, -0.3, 0.49, 0.5, -0.6, 0.8, 0.95} {
		assert.InEpsilon(t, bigJSBinary(x), JSBinary(x), 4e-15, "h(%v)", x)
	}
	assert.Equal(t, math.Ln2, JSBinary(1))
	assert.Equal(t, math.Ln2, JSBinary(-1))
	assert.Equal(t, 0.0, JSBinary(0))
	// Near the ends the logarithmic form: h(t) -> log 2.
	x := 1 - 1e-9
	want := ((1+x)*math.Log1p(x) + (1-x)*math.Log1p(-x)) / 2
	assert.InEpsilon(t, want, JSBinary(x), 1e-15)
	assert.True(t, math.IsNaN(JSBinary(1.5)))
}
