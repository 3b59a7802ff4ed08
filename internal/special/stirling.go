package special

import "math"

// Remainders of Stirling's series for log Γ and ψ, and the negentropies of
// the Gamma and Beta families built from them. The KL divergences from a
// Gamma or Beta distribution to a Normal, Gumbel or Laplace distribution
// contain log Γ and ψ terms of size a log a that cancel to a result of
// size 1/a; written with these remainders, every term is already of the
// size of the result, and the result keeps its relative accuracy for large
// shapes.

// binetCoef[n-1] = B_{2n}/(2n(2n-1)) and digammaRemCoef[n-1] = B_{2n}/(2n),
// n = 1..10, the coefficients of Stirling's series for log Γ(x) and ψ(x)
// (DLMF 5.11.1, 5.11.2).
var (
	binetCoef = [...]float64{
		1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188,
		-691.0 / 360360, 1.0 / 156, -3617.0 / 122400, 43867.0 / 244188, -174611.0 / 125400,
	}
	digammaRemCoef = [...]float64{
		1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132,
		-691.0 / 32760, 1.0 / 12, -3617.0 / 8160, 43867.0 / 14364, -174611.0 / 6600,
	}
)

// stirlingMin is where the asymptotic series take over: with ten terms
// their truncation error is below 1e-19 for x >= 10.
const stirlingMin = 10

const halfLog2Pi = 0.91893853320467274178032973640562 // ½ log 2π

// Binet returns Binet's function, the remainder of Stirling's series,
//
//	μ(x) = log Γ(x) - (x - ½) log x + x - ½ log 2π,
//
// for x > 0 (DLMF 5.11.1), with full relative accuracy: μ(x) ~ 1/(12x) is
// positive and decreasing, and for large x the direct difference would
// lose every digit. It returns NaN for x <= 0 or NaN and 0 at +Inf.
//
// Method: for x >= 10 the series Σ B_{2n}/(2n(2n-1) x^{2n-1}), ten terms;
// for 1 <= x < 10 the recurrence μ(y) = μ(y+1) + Σ_{k>=1} u^{2k}/(2k+1),
// u = 1/(2y+1) (from log Γ(y+1) = log Γ(y) + log y and
// log((1+u)/(1-u)) = 2 artanh u), whose terms are all positive; for
// x < 1 the direct formula, where μ(x) is not small.
func Binet(x float64) float64 {
	switch {
	case math.IsNaN(x) || x <= 0:
		return math.NaN()
	case math.IsInf(x, 1):
		return 0
	case x < 1:
		lg, _ := math.Lgamma(x)
		return lg - (x-0.5)*math.Log(x) + x - halfLog2Pi
	}
	var s float64
	for x < stirlingMin {
		s += binetStep(x)
		x++
	}
	return s + binetSeries(x)
}

// DigammaStirlingRem returns the remainder of Stirling's series for ψ,
//
//	S(x) = log x - 1/(2x) - ψ(x),
//
// for x > 0 (DLMF 5.11.2), with full relative accuracy (S(x) ~ 1/(12x²)
// for large x). It returns NaN for x <= 0 or NaN and 0 at +Inf.
//
// Method as for Binet, with the recurrence S(y) = S(y+1) +
// 2 Σ_{k>=1} (2k/(2k+1)) u^{2k+1}, u = 1/(2y+1) (from ψ(y+1) = ψ(y) + 1/y)
// from x >= 1/4 on, and the direct formula below.
func DigammaStirlingRem(x float64) float64 {
	switch {
	case math.IsNaN(x) || x <= 0:
		return math.NaN()
	case math.IsInf(x, 1):
		return 0
	case x < 0.25:
		return math.Log(x) - 0.5/x - Digamma(x)
	}
	var s float64
	for x < stirlingMin {
		s += digammaRemStep(x)
		x++
	}
	return s + digammaRemSeries(x)
}

// LogMinusDigamma returns log x - ψ(x) = 1/(2x) + S(x) for x > 0, which is
// positive and decreasing, with full relative accuracy also for large x
// (where it is about 1/(2x) and the direct difference cancels).
func LogMinusDigamma(x float64) float64 {
	if x < 1 {
		return math.Log(x) - Digamma(x)
	}
	return 0.5/x + DigammaStirlingRem(x)
}

// GammaNegentropy returns the negentropy of the Gamma(a, β) distribution,
//
//	J(a) = ½ log(2πe a/β²) - H(Gamma(a, β))
//	     = ½ log(2πa) + ½ - a - log Γ(a) - (1-a)ψ(a),
//
// the KL divergence from Gamma(a, β) to the normal distribution with the
// same mean and variance; it does not depend on β. It is positive, about
// 1/(3a) for large a and 1/a for small a. Written with Stirling's
// remainders, J(a) = 1/(2a) - μ(a) - (a-1) S(a) (Binet,
// DigammaStirlingRem), all three terms of the size of the result, so it
// keeps its relative accuracy for large a, where the direct form cancels
// terms of size a log a.
func GammaNegentropy(a float64) float64 {
	mu, sr := binetDigammaRem(a)
	return 0.5/a - mu - (a-1)*sr
}

// BetaNegentropy returns the negentropy of the Beta(a, b) distribution,
//
//	J(a, b) = ½ log(2πe V) - H(Beta(a, b)),   V = ab/(s²(s+1)), s = a + b,
//
// the KL divergence from Beta(a, b) to the normal distribution with the
// same mean and variance. Substituting Stirling's remainders (Binet μ and
// DigammaStirlingRem S) into H = log B(a, b) - (a-1)ψ(a) - (b-1)ψ(b) +
// (s-2)ψ(s), the logarithms cancel exactly and
//
//	J = -½ log1p(1/s) + 1/(2a) + 1/(2b) - 1/s - μ(a) - μ(b) + μ(s)
//	    - (a-1)S(a) - (b-1)S(b) + (s-2)S(s),
//
// a sum of terms of size 1/min(a, b), so that J (which is O(1/s) for
// large shapes) keeps its accuracy where the direct form cancels terms of
// size s log s.
func BetaNegentropy(a, b float64) float64 {
	s := a + b
	ma, sa := binetDigammaRem(a)
	mb, sb := binetDigammaRem(b)
	ms, ss := binetDigammaRem(s)
	return -0.5*math.Log1p(1/s) + 0.5/a + 0.5/b - 1/s - ma - mb + ms - (a-1)*sa - (b-1)*sb + (s-2)*ss
}

// binetDigammaRem returns Binet(x) and DigammaStirlingRem(x) together,
// sharing the recurrence steps (same u = 1/(2y+1), one series loop).
func binetDigammaRem(x float64) (mu, sr float64) {
	switch {
	case math.IsNaN(x) || x <= 0:
		return math.NaN(), math.NaN()
	case math.IsInf(x, 1):
		return 0, 0
	case x < 1:
		mu = Binet(x)
		if x < 0.25 {
			return mu, DigammaStirlingRem(x)
		}
		// One step of the ψ recurrence brings x to [1.25, 2).
		return mu, digammaRemStep(x) + DigammaStirlingRem(x+1)
	}
	for x < stirlingMin {
		u := 1 / (2*x + 1)
		u2 := u * u
		var bs, ds float64
		t := u2
		for k := 1; k < len(invOdd); k++ {
			db := t * invOdd[k]
			bs += db
			ds += t - db // t·2k/(2k+1)
			if db < 1e-18*bs {
				break
			}
			t *= u2
		}
		mu += bs
		sr += 2 * u * ds
		x++
	}
	return mu + binetSeries(x), sr + digammaRemSeries(x)
}

// binetSeries sums Σ B_{2n}/(2n(2n-1) x^{2n-1}) for x >= 10.
func binetSeries(x float64) float64 {
	z := 1 / (x * x)
	var s float64
	for n := len(binetCoef) - 1; n >= 0; n-- {
		s = s*z + binetCoef[n]
	}
	return s / x
}

// digammaRemSeries sums Σ B_{2n}/(2n x^{2n}) for x >= 10.
func digammaRemSeries(x float64) float64 {
	z := 1 / (x * x)
	var s float64
	for n := len(digammaRemCoef) - 1; n >= 0; n-- {
		s = s*z + digammaRemCoef[n]
	}
	return s * z
}

// binetStep returns μ(y) - μ(y+1) = (y + ½) log(1 + 1/y) - 1
// = Σ_{k>=1} u^{2k}/(2k+1), u = 1/(2y+1), for y >= 1 (u <= 1/3).
func binetStep(y float64) float64 {
	u := 1 / (2*y + 1)
	u2 := u * u
	var s float64
	t := u2
	for k := 1; k < len(invOdd); k++ {
		d := t * invOdd[k]
		s += d
		if d < 1e-18*s {
			break
		}
		t *= u2
	}
	return s
}

// invOdd[k] = 1/(2k+1), for the series of binetStep and digammaRemStep
// (u² <= 4/9 needs at most about 100 terms).
var invOdd = func() [120]float64 {
	var v [120]float64
	for k := range v {
		v[k] = 1 / float64(2*k+1)
	}
	return v
}()

// digammaRemStep returns S(y) - S(y+1) = 1/(2y) + 1/(2y+2) - log(1 + 1/y)
// = 2 Σ_{k>=1} (2k/(2k+1)) u^{2k+1}, u = 1/(2y+1), for y >= 1/4
// (u <= 2/3).
func digammaRemStep(y float64) float64 {
	u := 1 / (2*y + 1)
	u2 := u * u
	var s float64
	t := u * u2
	for k := 1; k < len(invOdd); k++ {
		d := t * (1 - invOdd[k]) // t·2k/(2k+1)
		s += d
		if d < 1e-18*s {
			break
		}
		t *= u2
	}
	return 2 * s
}
