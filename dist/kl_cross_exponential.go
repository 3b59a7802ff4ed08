package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klExponentialGamma)
	RegisterKL(klExponentialGumbel)
	RegisterKL(klExponentialNormal)
	RegisterKL(klExponentialLaplace)
	RegisterKL(klExponentialWeibull)
	RegisterKL(klExponentialHalfNormal)
	registerInfinite[Exponential, Beta]()
	registerInfinite[Exponential, Pareto]()
	registerInfinite[Exponential, Uniform]()
	registerInfinite[Exponential, ContinuousBernoulli]()
}

// klExponentialGamma is KL(Exponential(λ) || Gamma(c, r)), summed over
// columns. Exponential(λ) is Gamma(1, λ): rows with c < 2 use the
// Gamma-Gamma kernel's terms (gammaKernelTermCross, full relative
// accuracy as q approaches p, c → 1, r → λ), rows with c >= 2
// gammaTargetCross with E X = 1/λ, E log X = -γ - log λ, 1 + log E X - H = 0
// and log E X - E log X = γ:
//
//	KL = c LogRatioM1(log(r/(cλ))) + Λ(c) + (c-1)γ,
//
// which avoids the kernel's cancellation of terms of size c log c. torch's
// _kl_exponential_gamma is the same divergence. Partials:
// ∂λ = (1 - r/λ + (c-1))/λ, ∂c = ψ(c) - log r + γ + log λ, ∂r = 1/λ - c/r.
func klExponentialGamma(p Exponential, q Gamma) (ad.Var, error) {
	return klCross("KL(Exponential || Gamma)", func(x, d *[4]float64, grad bool) float64 {
		lam, c, r := x[0], x[1], x[2]
		if c < 2 {
			kl, _, db1, da2, db2 := gammaKernelTermCross(1, lam, c, r, grad)
			d[0], d[1], d[2] = db1, da2, db2
			return kl
		}
		mu := 1 / lam
		lmu := -math.Log(lam)
		kl, cmu, cl, dc, dr := gammaTargetCross(0, mu, lmu, lmu-eulerGamma, eulerGamma, c, r)
		if grad {
			d[0] = 1/lam - cmu*mu*mu - cl*mu
			d[1], d[2] = dc, dr
		}
		return kl
	}, p.Rate, q.Concentration, q.Rate), nil
}

// klExponentialGumbel is KL(Exponential(λ) || Gumbel(m, σ)), summed over
// columns. With t = 1/(λσ), E e^{-X/σ} = 1/(1+t), and
// v = m/σ - log1p(t) (the log of E e^{-(X-m)/σ}):
//
//	KL = log(λσ) - 1 + t - m/σ + e^v
//	   = (t - log t - log1p t) + LogRatioM1(v),
//
// where t - log(t(1+t)) >= φ - 3 log φ ≈ 0.174 (φ the golden ratio) and
// LogRatioM1 >= 0. torch's _kl_exponential_gumbel is the first line.
// Partials: with K_t = 1 - 1/t - e^v/(1+t), ∂λ = -K_t t/λ,
// ∂m = expm1(v)/σ, ∂σ = -K_t t/σ - expm1(v) m/σ².
func klExponentialGumbel(p Exponential, q Gumbel) (ad.Var, error) {
	return klCross("KL(Exponential || Gumbel)", func(x, d *[4]float64, grad bool) float64 {
		lam, m, s := x[0], x[1], x[2]
		t := 1 / (lam * s)
		v := m/s - math.Log1p(t)
		kl := t - math.Log(t) - math.Log1p(t) + special.LogRatioM1(v)
		if grad {
			ev := math.Exp(v)
			kt := 1 - 1/t - ev/(1+t)
			em := math.Expm1(v)
			d[0] = -kt * t / lam
			d[1] = em / s
			// -K_t t - expm1(v) m/σ with the e^v terms collected, so that
			// a large e^v cannot make Inf - Inf.
			d[2] = (1 - t + m/s + ev*(t/(1+t)-m/s)) / s
		}
		return kl
	}, p.Rate, q.Loc, q.Scale), nil
}

// klExponentialNormal is KL(Exponential(λ) || N(m, s)), summed over
// columns: with mean 1/λ and variance 1/λ², and the negentropy
// ½ log 2π - ½ of the exponential family (normalTargetCross),
//
//	KL = ½ log 2π - ½ + ½ LogRatioM1(log(1/(λs)²)) + ½ ((1/λ - m)/s)²,
//
// the same divergence as torch's _kl_exponential_normal.
func klExponentialNormal(p Exponential, q Normal) (ad.Var, error) {
	return klCross("KL(Exponential || Normal)", func(x, d *[4]float64, grad bool) float64 {
		lam, m, s := x[0], x[1], x[2]
		mu := 1 / lam
		kl, cmu, cv, dm, ds := normalTargetCross(negentropyExpCross, mu, mu*mu, m, s)
		if grad {
			// -∂H/∂λ = 1/λ, ∂μ/∂λ = -1/λ², ∂V/∂λ = -2/λ³.
			d[0] = 1/lam - cmu*mu*mu - cv*2*mu*mu*mu
			d[1], d[2] = dm, ds
		}
		return kl
	}, p.Rate, q.Loc, q.Scale), nil
}

// klExponentialLaplace is KL(Exponential(λ) || Laplace(m, b)), summed over
// columns (not in torch). With u = λm, the mean absolute deviation of
// X ~ Exponential(λ) about m is D = J(u)/λ,
//
//	J(u) = 1 - u (u <= 0),   J(u) = u - 1 + 2e^{-u} (u > 0)
//
// (E|X - m| = E X - m + 2 E(m - X)⁺), and
//
//	KL = -(1 - log λ) + log 2b + D/b = log(2J(u)) + LogRatioM1(log(D/b)),
//
// where 2J >= 2 log 2 > 1. Partials: with J' = -1 (u <= 0) or
// 1 - 2e^{-u}, ∂λ = 1/λ + (J' m/λ - J/λ²)/b, ∂m = J'/b,
// ∂b = (1 - D/b)/b.
func klExponentialLaplace(p Exponential, q Laplace) (ad.Var, error) {
	return klCross("KL(Exponential || Laplace)", func(x, d *[4]float64, grad bool) float64 {
		lam, m, b := x[0], x[1], x[2]
		u := lam * m
		var j, jp float64
		if u <= 0 {
			j, jp = 1-u, -1
		} else {
			e := math.Exp(-u)
			j, jp = u-1+2*e, 1-2*e
		}
		dev := j / lam
		kl, cdd, db := laplaceTargetCross(math.Log(2*j), dev, b)
		if grad {
			d[0] = 1/lam + cdd*(jp*m/lam-j/(lam*lam))
			d[1] = cdd * jp
			d[2] = db
		}
		return kl
	}, p.Rate, q.Loc, q.Scale), nil
}

// klExponentialWeibull is KL(Exponential(λ) || Weibull(s, k)), summed over
// columns (not in torch). With E(X/s)^k = Γ(1+k)/(λs)^k and
// E log X = -γ - log λ, and y = log Γ(1+k) - k log(λs):
//
//	KL = -1 + log λ - log k + log s + (k-1)(γ + log(λs)) + e^y
//	   = LogRatioM1(y) + Lgamma1pEuler(k - 1),
//
// both non-negative (Lgamma1pEuler(x) = log Γ(1+x) + γx) and 0 together
// exactly when k = 1 and s = 1/λ, where Weibull(1/λ, 1) = p: the form
// keeps full relative accuracy as q approaches p. Partials:
// ∂λ = -k expm1(y)/λ, ∂s = -k expm1(y)/s,
// ∂k = -1/k + γ + log(λs) + e^y (ψ(1+k) - log(λs)).
func klExponentialWeibull(p Exponential, q Weibull) (ad.Var, error) {
	return klCross("KL(Exponential || Weibull)", func(x, d *[4]float64, grad bool) float64 {
		lam, s, k := x[0], x[1], x[2]
		lv := logProductCross(lam, s)
		y := lgamma1pCross(k, k-1) - k*lv
		kl := special.LogRatioM1(y) + special.Lgamma1pEuler(k-1)
		if grad {
			em := math.Expm1(y)
			d[0] = -k * em / lam
			d[1] = -k * em / s
			d[2] = -1/k + eulerGamma + lv + math.Exp(y)*(special.Digamma(1+k)-lv)
		}
		return kl
	}, p.Rate, q.Scale, q.Concentration), nil
}

// klExponentialHalfNormal is KL(Exponential(λ) || HalfNormal(s)), summed
// over columns (not in torch). With E X² = 2/λ² and z = 2/(λs)²:
//
//	KL = -(1 - log λ) - ½ log(2/π) + log s + 1/(λs)²
//	   = ½ log π - ½ + ½ LogRatioM1(log z),
//
// where ½ log π - ½ ≈ 0.072 is the minimum over s. Partials:
// ∂λ = (1 - z)/λ, ∂s = (1 - z)/s.
func klExponentialHalfNormal(p Exponential, q HalfNormal) (ad.Var, error) {
	return klCross("KL(Exponential || HalfNormal)", func(x, d *[4]float64, grad bool) float64 {
		lam, s := x[0], x[1]
		ls := lam * s
		z := 2 / (ls * ls)
		kl := negentropyLaplaceCross + 0.5*special.LogRatioM1(math.Ln2-2*math.Log(ls))
		if grad {
			d[0] = (1 - z) / lam
			d[1] = (1 - z) / s
		}
		return kl
	}, p.Rate, q.Scale), nil
}
