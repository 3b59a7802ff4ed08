package special

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// EulerGamma is the Euler–Mascheroni constant γ = -ψ(1).
const EulerGamma = 0.57721566490153286060651209008240243

// zetaInt[k] holds ζ(k) for k = 2 .. len-1 (entries 0 and 1 are unused).
var zetaInt = func() [72]float64 {
	var z [72]float64
	for k := 2; k < len(z); k++ {
		z[k] = mathext.Zeta(float64(k), 1)
	}
	return z
}()

// Lgamma1pEuler returns log Γ(1+x) + γx for x > -1, where γ is the
// Euler–Mascheroni constant: log Γ(1+x) minus its tangent line at x = 0.
// It is convex and non-negative, equals (π²/12) x² + O(x³) near 0, and
// keeps full relative accuracy there, where lgamma(1+x) + γx cancels to
// nothing. It returns +Inf at x = -1 and NaN for x < -1 or NaN.
//
// KL divergences between Gumbel or Weibull distributions near p = q, and
// the Weibull variance at large concentration, reduce to this function.
//
// For |x| < 1/2 it sums the Maclaurin series
// log Γ(1+x) = -γx + Σ_{k>=2} (-1)^k ζ(k) x^k / k (DLMF 5.7.3); elsewhere
// it evaluates lgamma(1+x) + γx directly, where the cancellation costs at
// most two bits.
func Lgamma1pEuler(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < -1:
		return math.NaN()
	case x == -1:
		return math.Inf(1)
	case math.Abs(x) >= 0.5:
		lg, _ := math.Lgamma(1 + x)
		return lg + EulerGamma*x
	}
	// Terms alternate in sign for x > 0 and are all positive for x < 0; in
	// both cases the sum is dominated by its first term ζ(2)x²/2.
	p := x * x
	var s float64
	for k := 2; k < len(zetaInt); k++ {
		t := zetaInt[k] * p / float64(k)
		if k%2 == 1 {
			t = -t
		}
		s += t
		if math.Abs(t) < 1e-18*math.Abs(s) {
			break
		}
		p *= x
	}
	return s
}
