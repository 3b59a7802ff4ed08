package special

import "math"

// LgammaBregman returns the Bregman divergence of log Γ,
//
//	D(a, b) = log Γ(b) - log Γ(a) - (b - a) ψ(a),
//
// for a, b > 0, with full relative accuracy also when b is close to a
// (where D ≈ ψ₁(a)(b-a)²/2 and the direct form cancels to noise). It is
// >= 0 and 0 only at a = b. The KL divergences of the Gamma, Beta and
// Dirichlet families are sums and differences of such terms, e.g.
// KL(Gamma(a₁, r) || Gamma(a₂, r)) = D(a₁, a₂).
//
// Method: the recurrences log Γ(x+1) = log Γ(x) + log x and
// ψ(x+1) = ψ(x) + 1/x (DLMF 5.5.1, 5.5.2) give
// D(a, b) = (u - log(1+u)) + D(a+1, b+1) with u = (b-a)/a, a positive
// term computed by LogRatioM1(log(1+u)). The difference d = b - a is
// kept from the start (shifting both arguments would round it). After shifting both arguments to
// at least 15, Stirling's series (DLMF 5.11.1, 5.11.2) with t = (b-a)/a
// gives
//
//	D(a, b) = a[(1+t) log(1+t) - t] + ½[t - log(1+t)] + Σ_k c_k a^(1-2k) [(1+t)^(1-2k) - 1 - (1-2k)t],
//
// c_k = B_{2k}/(2k(2k-1)); each bracket is evaluated by its Taylor series
// for small |t|, so no step subtracts nearly equal numbers. It returns NaN
// for non-positive or NaN arguments.
func LgammaBregman(a, b float64) float64 { return lgammaBregman(a, b, b-a) }

// LgammaBregmanD returns LgammaBregman(a, a+d) for a difference d given
// separately, for callers that know b - a more accurately than the
// rounded a+d would give it back: with a = a₁ + b₁ and b = a₂ + b₂ (Beta
// and Dirichlet KL), d = (a₂ - a₁) + (b₂ - b₁) has full relative
// accuracy where (a₂+b₂) - (a₁+b₁) would have lost the low digits of d to
// the rounding of the sums. It returns NaN unless a > 0 and a + d > 0.
func LgammaBregmanD(a, d float64) float64 { return lgammaBregman(a, a+d, d) }

// lgammaBregman evaluates D(a, b) given both b and d = b - a: d where
// they are close, b where they are far apart (log(b/a)).
func lgammaBregman(a, b, d float64) float64 {
	switch {
	case !(a > 0) || !(b > 0) || math.IsNaN(d):
		return math.NaN()
	case d == 0:
		return 0
	case math.IsInf(a, 1) || math.IsInf(b, 1):
		return math.Inf(1)
	}
	var sum float64
	const shift = 15.0
	for min(a, b) < shift {
		// r - 1 - log r for r = b/a: log1p of the exact difference near
		// r = 1, the log of the ratio far from it (where 1 + u would lose
		// the digits of a small r).
		u := d / a
		var l float64
		if math.Abs(u) < 0.5 {
			l = math.Log1p(u)
		} else {
			l = math.Log(b / a)
		}
		sum += LogRatioM1(l)
		a++
		b++
	}
	t := d / a
	if t < -0.5 {
		// b < a/2: from the ratio r = b/a, since 1 + d/a rounds to 0
		// once b/a is below the float64 resolution (a >~ 1e16 b), which
		// made the terms below -Inf·0. a·xlog1pxMinusX(t) = b log r - d,
		// and the Stirling terms are c_k (b^m - a^m - m d a^(m-1)),
		// m = 1-2k.
		lr := math.Log(b / a)
		sum += b*lr - d + 0.5*LogRatioM1(lr)
		for k, c := range stirlingC {
			m := float64(-(2*k + 1))
			sum += c * (math.Pow(b, m) - math.Pow(a, m) - m*d*math.Pow(a, m-1))
		}
		return sum
	}
	sum += a*xlog1pxMinusX(t) + 0.5*LogRatioM1(math.Log1p(t))
	// Stirling terms c_k a^(1-2k) h_{1-2k}(t), k = 1..7 (a >= 15 leaves a
	// relative remainder below 1e-17).
	ia2 := 1 / (a * a)
	p := 1 / a
	for k, c := range stirlingC {
		sum += c * p * powBregman(-(2*k+1), t)
		p *= ia2
	}
	return sum
}

// stirlingC[k-1] = B_{2k}/(2k(2k-1)), the coefficients of Stirling's
// series for log Γ (DLMF 5.11.1).
var stirlingC = [...]float64{1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156}

// xlog1pxMinusX returns (1+t) log(1+t) - t for t > -1, by its Taylor
// series Σ_{n≥2} (-t)^n/(n(n-1)) for |t| < 0.25.
func xlog1pxMinusX(t float64) float64 {
	if math.Abs(t) >= 0.25 {
		return (1+t)*math.Log1p(t) - t
	}
	var s float64
	p := t * t // (-t)^n for n = 2
	for n := 2; n < 60; n++ {
		term := p / float64(n*(n-1))
		s += term
		if math.Abs(term) <= 1e-17*math.Abs(s) {
			break
		}
		p *= -t
	}
	return s
}

// powBregman returns (1+t)^m - 1 - m t for t > -1 and a negative integer
// m, by the binomial series Σ_{j≥2} C(m, j) t^j for |t| < 0.1. The case
// m = -1 is t²/(1+t) exactly.
func powBregman(m int, t float64) float64 {
	if m == -1 {
		return t * t / (1 + t)
	}
	fm := float64(m)
	if math.Abs(t) >= 0.1 {
		return math.Pow(1+t, fm) - 1 - fm*t
	}
	c := fm * (fm - 1) / 2 // C(m, 2)
	p := t * t
	var s float64
	for j := 2; j < 80; j++ {
		term := c * p
		s += term
		if math.Abs(term) <= 1e-17*math.Abs(s) {
			break
		}
		c *= (fm - float64(j)) / float64(j+1)
		p *= t
	}
	return s
}
