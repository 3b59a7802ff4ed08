package special

import "math"

// KLRatio returns φ(t) = t log t - t + 1 for t = exp(d), that is
// d e^d - expm1(d). It is the per-point term of a divergence written as
// KL(p || q) = Σ_x q(x) φ(p(x)/q(x)) (an f-divergence with the generator
// φ, which is non-negative and vanishes only at t = 1), so a sum of these
// terms has no cancellation. It returns +Inf for large d where the value
// overflows and 1 at d = -Inf.
//
// For |d| < 1/2 it sums the series φ(e^d) = Σ_{k>=2} (k-1) d^k / k!
// (18 terms by Horner's rule), which
// keeps full relative accuracy as d -> 0, where d e^d - expm1(d) cancels
// to O(d²) from O(d) terms.
func KLRatio(d float64) float64 {
	switch {
	case math.IsNaN(d):
		return d
	case math.IsInf(d, -1):
		return 1
	case math.IsInf(d, 1):
		return d
	}
	if math.Abs(d) < 0.5 {
		// Horner over the first 18 coefficients (k-1)/k!, k = 2..19; the
		// first term left out is below 2^-60 of the sum for |d| < 1/2.
		s := klRatioCoef[len(klRatioCoef)-1]
		for i := len(klRatioCoef) - 2; i >= 0; i-- {
			s = s*d + klRatioCoef[i]
		}
		return s * d * d
	}
	if d > 1 {
		// e^d (d - 1) + 1 without overflow of d e^d before the subtraction.
		return math.Exp(d)*(d-1) + 1
	}
	return d*math.Exp(d) - math.Expm1(d)
}

// klRatioCoef holds (k-1)/k! for k = 2, ..., 19.
var klRatioCoef = func() [18]float64 {
	var c [18]float64
	f := 1.0 // k!
	for k := 1; k <= 19; k++ {
		f *= float64(k)
		if k >= 2 {
			c[k-2] = float64(k-1) / f
		}
	}
	return c
}()

// JSBinary returns h(t) = ((1+t) log(1+t) + (1-t) log(1-t)) / 2 for t in
// [-1, 1]: the Jensen-Shannon term of two masses p and q is
// (p+q)/2 · h((p-q)/(p+q)), non-negative and at most (p+q)/2 · log 2.
// It returns NaN outside [-1, 1].
//
// For |t| < 1/2 it sums h(t) = Σ_{k>=1} t^{2k} / (2k(2k-1)), which keeps full
// relative accuracy as t -> 0; otherwise it uses the logarithms with
// 0 log 0 = 0.
func JSBinary(t float64) float64 {
	a := math.Abs(t)
	switch {
	case math.IsNaN(t) || a > 1:
		return math.NaN()
	case a == 1:
		return math.Ln2
	}
	if a < 0.5 {
		t2 := t * t
		pow := t2
		var s float64
		for k := 1; k < 60; k++ {
			add := pow / float64(2*k*(2*k-1))
			s += add
			if add <= 1e-18*s {
				break
			}
			pow *= t2
		}
		return s
	}
	return ((1+a)*math.Log1p(a) + (1-a)*math.Log1p(-a)) / 2
}
