package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klWeibullGamma)
	RegisterKL(klWeibullExponential)
}

// klWeibullGamma is KL(Weibull(λ, k) || Gamma(c, r)), summed over columns
// (not in torch). With t = 1/k, E log X = log λ - γt and
// E X = λ Γ(1+t), and H(p) = γ(1-t) + log(λt) + 1:
//
//	KL = log k - γ - 1 + log Γ(c) - c log(rλ) + cγt + rλ Γ(1+t).
//
// Weibull(λ, 1) = Gamma(1, 1/λ), so KL = 0 at k = 1, c = 1, r = 1/λ, and
// the form is chosen to keep its relative accuracy there. With
// ε = t - 1, η = c - 1, ζ = log(rλ), L = ζ + log Γ(1+t) and
// E(x) = log Γ(1+x) + γx (special.Lgamma1pEuler, >= 0):
//
//	KL = LogRatioM1(L) + E(ε) + E(η) + γεη - ηζ          (c < 2),
//	KL = c LogRatioM1(L - log c) + E(ε) + Λ(c) + (c-1) E(t)  (c >= 2),
//
// the second the general gammaTargetCross split with the Weibull's
// 1 + log E X - H = E(ε) and log E X - E log X = E(t). Partials:
// ∂λ = (e^L - c)/λ, ∂r = (e^L - c)/r, ∂c = ψ(c) - ζ + γt,
// ∂k = t - t²(cγ + e^L ψ(1+t)).
func klWeibullGamma(p Weibull, q Gamma) (ad.Var, error) {
	return klCross("KL(Weibull || Gamma)", func(x, d *[4]float64, grad bool) float64 {
		return weibullGammaTermCross(x[0], x[1], x[2], x[3], d, grad, true)
	}, p.Scale, p.Concentration, q.Concentration, q.Rate), nil
}

// klWeibullExponential is KL(Weibull(λ, k) || Exponential(r)), summed over
// columns (not in torch): klWeibullGamma with c = 1,
//
//	KL = LogRatioM1(log(rλ) + log Γ(1 + 1/k)) + Lgamma1pEuler(1/k - 1),
//
// two non-negative terms, 0 together exactly at k = 1, r = 1/λ.
func klWeibullExponential(p Weibull, q Exponential) (ad.Var, error) {
	return klCross("KL(Weibull || Exponential)", func(x, d *[4]float64, grad bool) float64 {
		kl := weibullGammaTermCross(x[0], x[1], 1, x[2], d, grad, false)
		d[2] = d[3]
		return kl
	}, p.Scale, p.Concentration, q.Rate), nil
}

// weibullGammaTermCross is one term of klWeibullGamma, writing the
// partials for λ, k, c, r into d[0..3] (d[2] only when withC).
func weibullGammaTermCross(lam, k, c, r float64, d *[4]float64, grad, withC bool) float64 {
	t := 1 / k
	eps := (1 - k) / k
	zeta := logProductCross(r, lam)
	lg1t := lgamma1pCross(t, eps)
	L := zeta + lg1t
	var kl float64
	if c < 2 {
		eta := c - 1
		kl = special.LogRatioM1(L) + special.Lgamma1pEuler(eps) + special.Lgamma1pEuler(eta) + eulerGamma*eps*eta - eta*zeta
	} else {
		kl = c*special.LogRatioM1(L-math.Log(c)) + special.Lgamma1pEuler(eps) + gammaLambdaCross(c) + (c-1)*(lg1t+eulerGamma*t)
	}
	if grad {
		eL := math.Exp(L)
		dc := eL - c
		if c == 1 {
			dc = math.Expm1(L)
		}
		d[0] = dc / lam
		d[1] = t - t*t*(c*eulerGamma+eL*special.Digamma(1+t))
		if withC {
			d[2] = special.Digamma(c) - zeta + eulerGamma*t
		}
		d[3] = dc / r
	}
	return kl
}
