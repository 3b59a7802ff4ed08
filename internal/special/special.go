// Package special holds the scalar special functions that kldiv's packages
// share: polygamma functions, stable log-sum forms and x log y variants.
// All functions are accurate to a few units in the last place on their
// documented domains unless noted.
package special

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Digamma returns ψ(x) = d/dx log Γ(x). It returns NaN at non-positive
// integers and for NaN input, +Inf at +Inf.
//
// For x < 0 it uses the reflection ψ(1-x) - ψ(x) = π cot(πx) (DLMF 5.5.4);
// otherwise the recurrence ψ(x) = ψ(x+1) - 1/x (DLMF 5.5.2) up to x >= 10
// and the asymptotic series of DLMF 5.11.2 with six Bernoulli terms.
func Digamma(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, -1):
		return math.NaN()
	case math.IsInf(x, 1):
		return x
	case x <= 0 && x == math.Floor(x):
		return math.NaN()
	case x < 0:
		// π cot(πx) evaluated on the fractional part for accuracy.
		_, r := math.Modf(x)
		return Digamma(1-x) - math.Pi/math.Tan(math.Pi*r)
	}
	var acc float64
	for x < 10 {
		acc -= 1 / x
		x++
	}
	z := 1 / (x * x)
	// ψ(x) ~ log x - 1/(2x) - Σ B_{2k}/(2k x^{2k})
	series := z * (1.0/12 - z*(1.0/120-z*(1.0/252-z*(1.0/240-z*(1.0/132-z*(691.0/32760-z/12))))))
	return acc + math.Log(x) - 0.5/x - series
}

// Trigamma returns ψ₁(x) = d²/dx² log Γ(x). It returns +Inf at
// non-positive integers.
//
// Reflection ψ₁(1-x) + ψ₁(x) = π²/sin²(πx) for x < 0 (DLMF 5.15.6), the
// recurrence ψ₁(x) = ψ₁(x+1) + 1/x² up to x >= 10, then the asymptotic
// series ψ₁(x) ~ 1/x + 1/(2x²) + Σ B_{2k}/x^{2k+1} (DLMF 5.15.8).
func Trigamma(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, -1):
		return math.NaN()
	case math.IsInf(x, 1):
		return 0
	case x <= 0 && x == math.Floor(x):
		return math.Inf(1)
	case x < 0:
		_, r := math.Modf(x)
		s := math.Sin(math.Pi * r)
		return -Trigamma(1-x) + math.Pi*math.Pi/(s*s)
	}
	var acc float64
	for x < 10 {
		acc += 1 / (x * x)
		x++
	}
	z := 1 / (x * x)
	// B2=1/6, B4=-1/30, B6=1/42, B8=-1/30, B10=5/66, B12=-691/2730, B14=7/6
	series := 1/x + z/2 + z/x*(1.0/6-z*(1.0/30-z*(1.0/42-z*(1.0/30-z*(5.0/66-z*(691.0/2730-z*7.0/6))))))
	return acc + series
}

// Polygamma returns ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function,
// for n >= 0 and x > 0 (n = 0 and n = 1 accept any x). It uses
// ψ⁽ⁿ⁾(x) = (-1)ⁿ⁺¹ n! ζ(n+1, x) with the Hurwitz zeta function for n >= 2.
// It panics for n < 0.
func Polygamma(n int, x float64) float64 {
	switch {
	case n < 0:
		panic("special: Polygamma of negative order")
	case n == 0:
		return Digamma(x)
	case n == 1:
		return Trigamma(x)
	}
	if math.IsNaN(x) || x <= 0 {
		return math.NaN()
	}
	f := math.Gamma(float64(n + 1))
	if n%2 == 0 {
		f = -f
	}
	return f * mathext.Zeta(float64(n+1), x)
}

// Softplus returns log(1 + exp(x)) without overflow or loss of accuracy for
// large |x|.
func Softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// Sigmoid returns 1/(1+exp(-x)) without overflow.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// LogSigmoid returns log(sigmoid(x)) = -Softplus(-x).
func LogSigmoid(x float64) float64 { return -Softplus(-x) }

// LogAddExp returns log(exp(a) + exp(b)).
func LogAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(a, -1) {
		return a
	}
	if math.IsInf(a, 1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// LogSumExp returns log Σ exp(x_i); -Inf for an empty slice.
func LogSumExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

// Log1mExp returns log(1 - exp(x)) for x <= 0, choosing log(-expm1(x)) or
// log1p(-exp(x)) as Mächler (2012) recommends.
func Log1mExp(x float64) float64 {
	if x > -math.Ln2 {
		return math.Log(-math.Expm1(x))
	}
	return math.Log1p(-math.Exp(x))
}

// Xlogy returns x log y with the convention 0 log y = 0 (also for y = 0).
func Xlogy(x, y float64) float64 {
	if x == 0 && !math.IsNaN(y) {
		return 0
	}
	return x * math.Log(y)
}

// Xlog1py returns x log(1+y) with 0 log(1+y) = 0.
func Xlog1py(x, y float64) float64 {
	if x == 0 && !math.IsNaN(y) {
		return 0
	}
	return x * math.Log1p(y)
}

// Lbeta returns log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a+b).
func Lbeta(a, b float64) float64 { return mathext.Lbeta(a, b) }

// Lgamma returns log |Γ(x)|.
func Lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// LogRatioM1 returns r - 1 - log r for r = exp(d), computed as
// expm1(d) - d, which keeps full relative accuracy for small d where the
// naive form cancels.
func LogRatioM1(d float64) float64 {
	if math.Abs(d) < 1e-2 {
		// Taylor series: d²/2 + d³/6 + d⁴/24 + ...
		t, s := d*d/2, 0.0
		for k := 3; k < 30; k++ {
			s += t
			t *= d / float64(k)
			if math.Abs(t) < 1e-18*math.Abs(s) {
				break
			}
		}
		return s + t
	}
	if math.Abs(d) > 1 {
		// No cancellation left to guard against: e^d - 1 - d with the
		// (assembly) exponential is as accurate and faster than expm1.
		return math.Exp(d) - 1 - d
	}
	return math.Expm1(d) - d
}
