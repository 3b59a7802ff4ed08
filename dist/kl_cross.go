package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// Shared machinery of the cross-family KL pairs (kl_cross_<p>.go).
//
// Every pair is KL(p || q) = -H(p) - E_p[log q(X)]. To keep the relative
// accuracy that the registry promises, the kernels do not evaluate that
// difference as written: they split it into terms that are each
// non-negative (or of the size of the result), typically
//
//	KL = C(p) + LogRatioM1(log(θ_q/θ*(p)))
//
// where θ*(p) is the parameter of q's family that matches a moment of p
// and C(p) = KL(p || q*) is a shape constant of p computed in closed form
// (a negentropy, special.GammaNegentropy, special.BetaNegentropy, ...).
// Where the two families share a member (Gamma and Exponential, Weibull
// and Gamma, Uniform(0, 1) and Beta(1, 1)) the split is chosen so that
// the result keeps its relative accuracy as p approaches that member.

// crossTerm computes one column's term of a cross-family KL. x holds the
// parameter values at the grid point, p's parameters first, then q's, in
// the order given to klCross. When grad is true it writes the partial
// derivatives of the term with respect to x into d. It returns +Inf where
// p's support is not inside q's or the divergence is infinite; d is then
// ignored.
type crossTerm func(x, d *[4]float64, grad bool) float64

// klCross evaluates term over the broadcast grid of params (at most four)
// as one fused node with ad.ReduceCols (paramCells): one row per batch
// member, +Inf with zero partials in a row where any column is +Inf.
func klCross(name string, term crossTerm, params ...ad.Var) ad.Var {
	return paramCellsPar(name, ad.ReduceCols, divergenceRows, 1<<10, params, func(x, d *[4]float64, need *[4]bool) float64 {
		return term(x, d, need[0] || need[1] || need[2] || need[3])
	})
}

// Shape constants (computed in Go from the defining expressions at init,
// checked against mpmath in the tests).
var (
	// negentropyExpCross = ½ log 2π - ½: KL from an exponential
	// distribution to the normal with its mean and variance.
	negentropyExpCross = halfLog2PiCross - 0.5
	// negentropyGumbelCross = ½ log(π³/3) - ½ - γ.
	negentropyGumbelCross = 0.5*math.Log(math.Pi*math.Pi*math.Pi/3) - 0.5 - eulerGamma
	// negentropyLaplaceCross = ½ log π - ½.
	negentropyLaplaceCross = 0.5*math.Log(math.Pi) - 0.5
	// negentropyUniformCross = ½ log(πe/6).
	negentropyUniformCross = 0.5 * math.Log(math.Pi*math.E/6)
	// halfLog2PiCross = ½ log 2π.
	halfLog2PiCross = logSqrt2Pi
	// halfNormalExpCross = ½ + log(2/π): KL from a half-normal
	// distribution to the exponential with its mean, and the minimum over
	// the scale of KL(N(μ, s) || Laplace(μ, b)).
	halfNormalExpCross = 0.5 + math.Log(2/math.Pi)
	// sqrt2OverPiCross = √(2/π), the mean of |Z| for Z ~ N(0, 1).
	sqrt2OverPiCross = math.Sqrt(2 / math.Pi)
)

// normalTargetCross returns KL(p || N(m, s)) for a p with mean mu,
// variance v and negentropy j (the KL from p to N(mu, √v)):
//
//	KL = j + ½ LogRatioM1(log(v/s²)) + ½ ((mu - m)/s)²,
//
// three non-negative terms. It also returns the coefficients of ∂mu and
// ∂v in the partials with respect to p's parameters (which add -∂H(p)) and
// the partials with respect to m and s.
func normalTargetCross(j, mu, v, m, s float64) (kl, cmu, cv, dm, ds float64) {
	z := (mu - m) / s
	r := math.Sqrt(v) / s
	kl = j + 0.5*special.LogRatioM1(2*math.Log(r)) + 0.5*z*z
	cmu = z / s
	cv = 0.5 / (s * s)
	dm = -z / s
	ds = (1 - r*r - z*z) / s
	return
}

// expTargetCross returns KL(p || Exponential(r)) = ce + LogRatioM1(log(r mu))
// for a p on [0, ∞) with mean mu and ce = 1 + log mu - H(p) (the KL from p
// to the exponential with its mean), the coefficient r of ∂mu in the
// partials with respect to p's parameters (which add -∂H(p)), and ∂/∂r.
// logMu is log mu (given separately where mu may overflow).
func expTargetCross(ce, mu, logMu, r float64) (kl, cmu, dr float64) {
	kl = ce + special.LogRatioM1(math.Log(r)+logMu)
	return kl, r, mu - 1/r
}

// gammaTargetCross returns KL(p || Gamma(c, r)) for a p on [0, ∞) with
// mean mu (log mu = logMu), L = E log X, ce = 1 + log mu - H(p) and
// delta = log mu - L >= 0:
//
//	KL = -H(p) + log Γ(c) - c log r - (c-1) L + r mu
//	   = c LogRatioM1(log(r mu/c)) + ce + Λ(c) + (c-1) delta,
//
// with Λ(c) = log Γ(c) + c - c log c - 1 (gammaLambdaCross). It also
// returns the coefficients of ∂mu and ∂L in the partials with respect to
// p's parameters (which add -∂H(p)), and ∂/∂c, ∂/∂r.
func gammaTargetCross(ce, mu, logMu, l, delta, c, r float64) (kl, cmu, cl, dc, dr float64) {
	lr := math.Log(r)
	kl = c*special.LogRatioM1(lr+logMu-math.Log(c)) + ce + gammaLambdaCross(c) + (c-1)*delta
	return kl, r, -(c - 1), special.Digamma(c) - lr - l, mu - c/r
}

// gammaLambdaCross returns Λ(c) = log Γ(c) + c - c log c - 1, the
// KL-divergence part of Gamma(c, ·) that depends only on c; Λ(1) = 0. For
// c < 2 it is log Γ(c) - c·LogRatioM1(-log c) (log Γ keeps its relative
// accuracy near its zero at 1, and c LogRatioM1(-log c) = c log c - c + 1
// is O((c-1)²)); for c >= 2 Stirling's form ½ log(2π/c) - 1 + μ(c)
// (special.Binet), which avoids the cancellation of terms of size c log c.
func gammaLambdaCross(c float64) float64 {
	if c < 2 {
		return special.Lgamma(c) - c*special.LogRatioM1(-math.Log(c))
	}
	return halfLog2PiCross - 0.5*math.Log(c) - 1 + special.Binet(c)
}

// laplaceTargetCross returns KL(p || Laplace(m, s)) = cl + LogRatioM1(log(dd/s))
// for a p with mean absolute deviation dd = E|X - m| and
// cl = 1 + log(2 dd) - H(p) (the KL from p to the Laplace distribution at m
// with scale dd), the coefficient 1/s of ∂dd in the partials with respect
// to p's parameters and m (which add -∂H(p)), and ∂/∂s.
func laplaceTargetCross(cl, dd, s float64) (kl, cdd, ds float64) {
	kl = cl + special.LogRatioM1(math.Log(dd/s))
	return kl, 1 / s, (1 - dd/s) / s
}

// uniformLogMomentCross returns L = E log X for X ~ U(l, h), 0 <= l < h,
// with ω = log h - L and ν = L - log l (∂L/∂h = ω/(h-l),
// ∂L/∂l = ν/(h-l)). With e = (h-l)/h:
//
//	ω = 1 + (1-e) log(1-e)/e = Σ_{k>=1} e^k/(k(k+1)),
//	ν = -log(1-e)/e - 1 = Σ_{k>=1} e^k/(k+1),
//
// both positive. For e <= 1/2 (l >= h/2) ν is summed as a series and
// L = log l + ν, which keeps L accurate for a narrow interval far from 0
// (where (h log h - l log l)/(h-l) - 1 cancels); otherwise L = log h - ω.
// At l = 0: L = log h - 1, ω = 1, ν = +Inf.
func uniformLogMomentCross(l, h float64) (L, omega, nu float64) {
	if l == 0 {
		return math.Log(h) - 1, 1, math.Inf(1)
	}
	w := h - l
	e := w / h
	if e <= 0.5 {
		var s float64
		t := e
		for k := 1; k < 80; k++ {
			d := t / float64(k+1)
			s += d
			if d < 1e-18*s {
				break
			}
			t *= e
		}
		nu = s
		omega = -math.Log1p(-e) - nu
		return math.Log(l) + nu, omega, nu
	}
	lr := math.Log(l / h) // log(1 - e), not near 0 here
	omega = 1 + l/w*lr
	nu = -lr - omega
	return math.Log(h) - omega, omega, nu
}

// uniformLogMomentP1Cross returns E log X + 1 for X ~ U(l, h), 0 <= l < h:
// log h - (l/w) log(l/h) for l < h/2 (log h at l = 0), which is exact
// for [l, h] near [0, 1] where E log X + 1 is near 0.
func uniformLogMomentP1Cross(l, h float64) float64 {
	if l == 0 {
		return math.Log(h)
	}
	w := h - l
	if w <= h/2 {
		lx, _, _ := uniformLogMomentCross(l, h)
		return lx + 1
	}
	return math.Log(h) - l/w*math.Log(l/h)
}

// bernoulliB1Cross returns 1/x - 1/expm1(x) for x > 0, which decreases
// from ½ (x → 0, where the direct difference cancels: series
// ½ - x/12 + x³/720 - x⁵/30240 + x⁷/1209600) to 0.
func bernoulliB1Cross(x float64) float64 {
	if x < 0.05 {
		x2 := x * x
		return 0.5 - x/12*(1-x2/60*(1-x2/42*(1-x2/40)))
	}
	return 1/x - 1/math.Expm1(x)
}

// logProductCross returns log(xy) for x, y > 0. Near xy = 1 it is
// log1p of xy - 1 formed by a fused multiply-add (exact before its one
// rounding), so that it keeps its relative accuracy where p approaches q
// and the rounding of the product xy alone would cost digits.
func logProductCross(x, y float64) float64 {
	xy := x * y
	if xy > 0.5 && xy < 2 {
		return math.Log1p(math.FMA(x, y, -1))
	}
	return math.Log(x) + math.Log(y)
}

// lgamma1pCross returns log Γ(1+x) for x > 0 given also xm1 = x - 1
// (computed exactly by the caller). Near x = 1 it is
// log1p(xm1) + log Γ(1+xm1) with log Γ(1+xm1) = Lgamma1pEuler(xm1) - γ xm1
// from xm1 itself: rounding 1 + x to float64 would cost as many digits as
// log Γ(1+x) ≈ (1-γ)(x-1) is small.
func lgamma1pCross(x, xm1 float64) float64 {
	if math.Abs(xm1) < 0.5 {
		return math.Log1p(xm1) + special.Lgamma1pEuler(xm1) - eulerGamma*xm1
	}
	return special.Lgamma(1 + x)
}

// mulInfCross returns c·x with 0·±Inf = 0: a coefficient that is exactly
// zero removes a term whose factor is infinite at a boundary.
func mulInfCross(c, x float64) float64 {
	if c == 0 {
		return 0
	}
	return c * x
}

// piSquaredCross = π².
const piSquaredCross = math.Pi * math.Pi
