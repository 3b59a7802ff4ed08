package special

import "math"

// Modified Bessel functions of the first kind of orders 0 and 1, and the
// ratio A(x) = I₁(x)/I₀(x) with its complement and derivative, for real
// x >= 0, as the von Mises distribution needs them: exponentially scaled so
// that nothing overflows, and with full relative accuracy (a few units in
// the last place, checked against mpmath) on the whole half-line.
//
// Three methods cover [0, ∞):
//
//   - x <= 1: the power series (DLMF 10.25.2)
//     I₀(x) = Σ (x²/4)ʲ/(j!)², I₁(x) = (x/2) Σ (x²/4)ʲ/(j!(j+1)!),
//     whose terms are all positive; at most 12 terms.
//   - 1 < x <= besselAsymptoticMin: the trapezoidal rule with 24 to 48
//     points for the integrals (DLMF 10.32.3) e^{-x} I_n(x) = (1/π) ∫₀^π
//     e^{-x(1-cos t)} cos(nt) dt and e^{-x}(I₀ - I₁) = (1/π) ∫₀^π
//     e^{-x(1-cos t)} (1 - cos t) dt. For periodic analytic integrands the
//     rule with N points is exact up to aliasing: its error is
//     Σ_m I_{mN±n}(x)/I₀(x), below 1e-19 here. The terms are positive
//     (or, for I₁, negative only where e^{-x(1-cos t)} < e^{-x}), so every
//     sum keeps its relative accuracy, including
//     1 - A = e^{-x}(I₀ - I₁)/(e^{-x}I₀).
//   - x > besselAsymptoticMin: the Hankel asymptotic expansion
//     (DLMF 10.40.1) e^{-x} √(2πx) I_ν(x) ~ Σ_j (-1)ʲ a_j(ν) x^{-j},
//     a_j(ν) = Π_{i=1..j} (4ν² - (2i-1)²) / (j! 8ʲ). The terms decrease
//     until j ≈ 2x, where they are below 1e-18 for x >= 20, so the
//     truncated series is accurate to rounding.
//
// 1 - A(x) and A'(x) are needed where A is close to 1 (large x), where
// forming them from A loses digits; the asymptotic branch sums the
// coefficient differences a_j(0) - a_j(1) directly instead.
//
// The polynomial approximations of Abramowitz & Stegun 9.8.1-9.8.4 are
// accurate to only about 1e-7 and are not used.

// besselAsymptoticMin is the switch from the trapezoidal rule to the
// asymptotic expansion; see the comment above.
const besselAsymptoticMin = 20

// besselSeries returns I₀(x) - 1, I₁(x) and I₁(x)/x by their power series,
// for 0 <= x <= besselAsymptoticMin (used for x <= 1, and in the tests).
func besselSeries(x float64) (i0m1, i1, i1x float64) {
	q := x * x / 4
	t0, t1 := 1.0, 0.5 // (x²/4)ʲ/(j!)² and (x²/4)ʲ/(2 j!(j+1)!)
	i1x = t1
	for j := 1; j < 200; j++ {
		fj := float64(j)
		t0 *= q / (fj * fj)
		t1 *= q / (fj * (fj + 1))
		i0m1 += t0
		i1x += t1
		if t0 < 1e-18*(1+i0m1) && t1 < 1e-18*i1x {
			break
		}
	}
	return i0m1, x * i1x, i1x
}

// besselTrapezoid returns e^{-x}I₀(x), e^{-x}I₁(x) and e^{-x}(I₀(x) -
// I₁(x)) by the trapezoidal rule (see the comment at the top) with n points
// on the circle, n = 24, 32, 40 or 48 for x up to 2, 5, 10 and 20: the
// aliasing error, about 2 I_{n-1}(x)/I₀(x), is below 1e-19 for each
// (checked with mpmath).
func besselTrapezoid(x float64) (i0e, i1e, de float64) {
	var tab *besselTrapTable
	switch {
	case x <= 2:
		tab = &besselTrap[0]
	case x <= 5:
		tab = &besselTrap[1]
	case x <= 10:
		tab = &besselTrap[2]
	default:
		tab = &besselTrap[3]
	}
	for j, omc := range tab.omc {
		e := tab.w[j] * math.Exp(-x*omc)
		i0e += e
		i1e += e * (1 - omc)
		de += e * omc
	}
	return i0e, i1e, de
}

// besselTrapTable holds the nodes (as 1 - cos t) and weights of an
// n-point trapezoidal rule on [0, 2π), folded by symmetry onto
// t = 2πj/n, j = 0..n/2, with the weights 1/n at the ends and 2/n inside.
type besselTrapTable struct{ omc, w []float64 }

var besselTrap = func() [4]besselTrapTable {
	var tabs [4]besselTrapTable
	for i, n := range []int{24, 32, 40, 48} {
		for j := 0; j <= n/2; j++ {
			s := math.Sin(math.Pi * float64(j) / float64(n)) // sin(t/2)
			w := 2 / float64(n)
			if j == 0 || j == n/2 {
				w = 1 / float64(n)
			}
			tabs[i].omc = append(tabs[i].omc, 2*s*s) // 1 - cos t
			tabs[i].w = append(tabs[i].w, w)
		}
	}
	return tabs
}()

// besselAsym holds the sums of the Hankel expansion at x:
// s0 = e^{-x}√(2πx) I₀(x), s1 = the same for I₁, d = s0 - s1 and
// e = 2d - s0/x, each summed term by term without cancellation.
type besselAsym struct{ s0, s1, d, e float64 }

func besselAsymptotic(x float64) besselAsym {
	// t0, t1 are the j-th terms (-1)ʲ a_j(ν) x^{-j} for ν = 0, 1.
	t0, t1 := 1.0, 1.0
	r := besselAsym{s0: 1, s1: 1}
	for j := 1; j < 200; j++ {
		fj := float64(j)
		k := (2*fj - 1) * (2*fj - 1)
		prev0 := t0
		n0 := t0 * k / (8 * fj * x)
		n1 := t1 * (k - 4) / (8 * fj * x)
		if math.Abs(n0) > math.Abs(t0) {
			break // the asymptotic series has started to diverge
		}
		t0, t1 = n0, n1
		r.s0 += t0
		r.s1 += t1
		r.d += t0 - t1
		if j >= 2 {
			// The j = 1 term of 2d - s0/x is 2(1/(2x)) - 1/x = 0 exactly.
			r.e += 2*(t0-t1) - prev0/x
		}
		// d ≈ s0/(2x) and e ≈ s0/(4x²) are small: stop when the terms are
		// negligible relative to e, the smallest of the sums.
		if j >= 3 && math.Abs(t0)+math.Abs(t1) < 1e-18*math.Abs(r.e) {
			break
		}
	}
	return r
}

// besselSmall is the largest x for which the power series is used.
const besselSmall = 1

// besselEval returns e^{-x}I₀(x), e^{-x}I₁(x), 1 - A(x), log I₀(x) and
// A'(x) for finite x >= 0, by the method for x's range.
func besselEval(x float64) (i0e, i1e, oneMinusA, logI0, da float64) {
	switch {
	case x <= besselSmall:
		i0m1, i1, i1x := besselSeries(x)
		i0 := 1 + i0m1
		a := i1 / i0
		// 1 - A >= 0.55 and A' >= 0.39 here: no cancellation to speak of.
		return math.Exp(-x) * i0, math.Exp(-x) * i1, 1 - a, math.Log1p(i0m1), 1 - i1x/i0 - a*a
	case x <= besselAsymptoticMin:
		i0e, i1e, de := besselTrapezoid(x)
		r := de / i0e
		// A' = 1 - A/x - A² = (2r - 1/x) + r/x - r² with r = 1 - A; the
		// first bracket cancels to about 1/(4x²), losing at most a factor
		// 4x in relative accuracy (1e-14 at x = 20).
		return i0e, i1e, r, x + math.Log(i0e), (2*r - 1/x) + r/x - r*r
	}
	s := besselAsymptotic(x)
	sq := math.Sqrt(2 * math.Pi * x)
	r := s.d / s.s0
	return s.s0 / sq, s.s1 / sq, r, x + math.Log(s.s0) - 0.5*math.Log(2*math.Pi*x), s.e/s.s0 + r/x - r*r
}

// BesselI0e returns the exponentially scaled modified Bessel function
// e^{-|x|} I₀(x). It returns NaN for NaN and 0 for ±Inf.
func BesselI0e(x float64) float64 {
	x = math.Abs(x)
	switch {
	case math.IsNaN(x):
		return x
	case math.IsInf(x, 1):
		return 0
	}
	v, _, _, _, _ := besselEval(x)
	return v
}

// BesselI1e returns the exponentially scaled modified Bessel function
// e^{-|x|} I₁(x) (an odd function of x). It returns NaN for NaN and 0 for
// ±Inf.
func BesselI1e(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case math.IsInf(x, 0):
		return 0
	}
	_, v, _, _, _ := besselEval(math.Abs(x))
	if x < 0 {
		return -v
	}
	return v
}

// LogBesselI0 returns log I₀(x), accurate also near 0 (where it is about
// x²/4) and for large x (where I₀ overflows: log I₀(x) ≈ x - ½ log(2πx)).
func LogBesselI0(x float64) float64 {
	x = math.Abs(x)
	if math.IsNaN(x) || math.IsInf(x, 1) {
		return x
	}
	_, _, _, l, _ := besselEval(x)
	return l
}

// LogBesselI0e returns log(e^{-|x|} I₀(x)) = log I₀(x) - |x|.
func LogBesselI0e(x float64) float64 {
	x = math.Abs(x)
	switch {
	case math.IsNaN(x):
		return x
	case math.IsInf(x, 1):
		return math.Inf(-1)
	case x <= besselSmall:
		i0m1, _, _ := besselSeries(x)
		return math.Log1p(i0m1) - x
	}
	i0e, _, _, _, _ := besselEval(x)
	return math.Log(i0e)
}

// BesselRatio returns A(x) = I₁(x)/I₀(x) (A is odd; A(0) = 0 and A(x) → 1
// as x → ∞), the mean resultant length of a von Mises distribution with
// concentration x.
func BesselRatio(x float64) float64 {
	a, _, _ := BesselRatios(x)
	return a
}

// BesselRatios returns A(x) = I₁(x)/I₀(x), its complement 1 - A(x) and its
// derivative A'(x) = 1 - A(x)/x - A(x)², each with close to full relative
// accuracy (1 - A(x) ≈ 1/(2x) and A'(x) ≈ 1/(2x²) for large x are summed
// directly, not formed by subtraction; A' loses up to a factor 80 between
// x = 1 and x = 20). At x = 0 they are 0, 1 and ½.
func BesselRatios(x float64) (a, oneMinusA, da float64) {
	switch {
	case math.IsNaN(x):
		return x, x, x
	case x < 0:
		a, _, da = BesselRatios(-x)
		return -a, 1 + a, da
	case math.IsInf(x, 1):
		return 1, 0, 0
	}
	i0e, i1e, r, _, da := besselEval(x)
	return i1e / i0e, r, da
}

// BesselIRatios fills dst with ρ_n = I_n(x)/I₀(x) for n = 0, 1, ..., up to
// the first ρ_n below 1e-18 (or len(dst) terms when dst is too short to get
// there, returning ok = false), and returns the filled prefix. x must be
// >= 0.
//
// The ratios r_n = I_n/I_{n-1} are computed by the backward recurrence
// r_n = 1/(2n/x + r_{n+1}) (the continued fraction of Gauss; Amos 1974,
// "Computation of modified Bessel functions and their ratios", Math.
// Comp. 28), started at r_N = 0 far enough above the last needed index
// that the start error has decayed (the error contracts by r_n² per step).
// ρ_n is the product r_1 ⋯ r_n.
func BesselIRatios(dst []float64, x float64) (rho []float64, ok bool) {
	if len(dst) == 0 {
		return dst, false
	}
	dst[0] = 1
	if x == 0 {
		return dst[:1], true
	}
	// ρ_n ≈ exp(-n²/(2x)) for n ≪ x and decays factorially for n > x: the
	// last needed index is below 9.2√x + x/4 + 12 (checked for 1e-8 <= x
	// <= 1e6 in the tests). The backward recurrence contracts its start
	// error by about exp(-(N² - n²)/x) between N and n.
	need := int(9.2*math.Sqrt(x)+x/4) + 12
	top := int(math.Sqrt(float64(need)*float64(need)+40*x)) + 12
	var r float64
	// Store r_n in dst while descending (only the indices we keep).
	for n := top; n >= 1; n-- {
		r = 1 / (2*float64(n)/x + r)
		if n < len(dst) {
			dst[n] = r
		}
	}
	p := 1.0
	for n := 1; n < len(dst); n++ {
		if n > top {
			return dst[:n], false
		}
		p *= dst[n]
		dst[n] = p
		if p < 1e-18 {
			return dst[:n+1], true
		}
	}
	return dst, false
}
