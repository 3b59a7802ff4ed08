package dist

import (
	"math"

	"gonum.org/v1/gonum/mathext"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klGammaExponential)
	RegisterKL(klGammaGumbel)
	RegisterKL(klGammaNormal)
	RegisterKL(klGammaLaplace)
	registerInfinite[Gamma, Beta]()
	registerInfinite[Gamma, Pareto]()
	registerInfinite[Gamma, Uniform]()
	registerInfinite[Gamma, ContinuousBernoulli]()
}

// klGammaExponential is KL(Gamma(α, β) || Exponential(r)), summed over
// columns. Exponential(r) is Gamma(1, r): rows with α < 2 use the
// Gamma-Gamma kernel (klGammaKernel's terms, which keep full relative
// accuracy as p approaches q, α → 1, β → r), rows with α >= 2
// expTargetCross,
//
//	KL = -H(p) - log r + rα/β = ½ - ½ log 2π + ½ log α + J(α) + LogRatioM1(log(rα/β)),
//
// with the Gamma negentropy J (special.GammaNegentropy): for large α the
// kernel's terms, of size α|log(r/β)|, cancel. torch's
// _kl_gamma_exponential is the same divergence. Partials:
// ∂α = (α-1)ψ₁(α) - 1 + r/β, ∂β = (1 - rα/β)/β, ∂r = α/β - 1/r.
func klGammaExponential(p Gamma, q Exponential) (ad.Var, error) {
	return klCross("KL(Gamma || Exponential)", func(x, d *[4]float64, grad bool) float64 {
		a, b, r := x[0], x[1], x[2]
		if a < 2 {
			kl, da, db, _, dr := gammaKernelTermCross(a, b, 1, r, grad)
			d[0], d[1], d[2] = da, db, dr
			return kl
		}
		mu := a / b
		ce := 0.5 - halfLog2PiCross + 0.5*math.Log(a) + special.GammaNegentropy(a)
		kl, cmu, dr := expTargetCross(ce, mu, math.Log(mu), r)
		if grad {
			d[0] = (a-1)*special.Trigamma(a) - 1 + cmu/b
			d[1] = 1/b - cmu*mu/b
			d[2] = dr
		}
		return kl
	}, p.Concentration, p.Rate, q.Rate), nil
}

// gammaKernelTermCross is one term of klGammaKernel (kl_gamma.go) with
// its partials: D(α₁, α₂) + α₁ LogRatioM1(log r) - (α₂ - α₁) log r,
// r = β₂/β₁.
func gammaKernelTermCross(a1, b1, a2, b2 float64, grad bool) (kl, da1, db1, da2, db2 float64) {
	lr := logRatioGamma(b2, b1)
	kl = special.LgammaBregman(a1, a2) + a1*special.LogRatioM1(lr) - (a2-a1)*lr
	if grad {
		rm1 := math.Expm1(lr)
		da1 = (a1-a2)*special.Trigamma(a1) + rm1
		e := (a2 - a1) - a1*rm1
		db1, db2 = e/b1, -e/b2
		da2 = special.Digamma(a2) - special.Digamma(a1) - lr
	}
	return
}

// klGammaGumbel is KL(Gamma(α, β) || Gumbel(m, σ)), summed over columns.
// With t = 1/(βσ), E e^{-X/σ} = (1+t)^{-α} and v = m/σ - α log1p(t):
//
//	KL = -H(p) + log σ + (α/β - m)/σ + e^v
//	   = ½ - ½ log 2π + J(α) + α LogRatioM1(log1p t) - log(t√α) + LogRatioM1(v),
//
// where H(p) = ½ log(2πeα/β²) - J(α) and J is the Gamma negentropy
// (special.GammaNegentropy): the a log a terms of the entropy cancel
// analytically, so the form keeps its accuracy for large α. torch's
// _kl_gamma_gumbel is the first line. Partials:
// ∂α = (α-1)ψ₁(α) - 1 + t - e^v log1p t,
// ∂β = (1 - αt + e^v αt/(1+t))/β, ∂m = expm1(v)/σ,
// ∂σ = 1/σ - (α/β - m)/σ² + e^v (αt/(1+t) - m/σ)/σ.
func klGammaGumbel(p Gamma, q Gumbel) (ad.Var, error) {
	return klCross("KL(Gamma || Gumbel)", func(x, d *[4]float64, grad bool) float64 {
		a, b, m, s := x[0], x[1], x[2], x[3]
		t := 1 / (b * s)
		l1t := math.Log1p(t)
		v := m/s - a*l1t
		kl := 0.5 - halfLog2PiCross + special.GammaNegentropy(a) + a*special.LogRatioM1(l1t) -
			math.Log(t*math.Sqrt(a)) + special.LogRatioM1(v)
		if grad {
			ev := math.Exp(v)
			at := a * t / (1 + t)
			d[0] = (a-1)*special.Trigamma(a) - 1 + t - ev*l1t
			d[1] = (1 - a*t + ev*at) / b
			d[2] = math.Expm1(v) / s
			d[3] = 1/s - (a/b-m)/(s*s) + ev*(at-m/s)/s
		}
		return kl
	}, p.Concentration, p.Rate, q.Loc, q.Scale), nil
}

// klGammaNormal is KL(Gamma(α, β) || N(m, s)), summed over columns: with
// mean α/β, variance α/β² and the Gamma negentropy J(α)
// (special.GammaNegentropy, accurate for large α, where the Gamma is
// nearly normal and the direct form of torch's _kl_gamma_normal cancels
// terms of size α log α),
//
//	KL = J(α) + ½ LogRatioM1(log(α/(βs)²)) + ½ ((α/β - m)/s)²
//
// (normalTargetCross). Partials: -∂H/∂α = (α-1)ψ₁(α) - 1,
// -∂H/∂β = 1/β, with ∂μ and ∂V from μ = α/β, V = α/β².
func klGammaNormal(p Gamma, q Normal) (ad.Var, error) {
	return klCross("KL(Gamma || Normal)", func(x, d *[4]float64, grad bool) float64 {
		a, b, m, s := x[0], x[1], x[2], x[3]
		mu := a / b
		v := mu / b
		kl, cmu, cv, dm, ds := normalTargetCross(special.GammaNegentropy(a), mu, v, m, s)
		if grad {
			d[0] = (a-1)*special.Trigamma(a) - 1 + cmu/b + cv/(b*b)
			d[1] = 1/b - cmu*mu/b - cv*2*v/b
			d[2], d[3] = dm, ds
		}
		return kl
	}, p.Concentration, p.Rate, q.Loc, q.Scale), nil
}

// klGammaLaplace is KL(Gamma(α, β) || Laplace(m, b)), summed over columns
// (not in torch). With u = βm, P = P(α, u) and Q = Q(α, u) the regularized
// incomplete gamma functions (0 and 1 for u <= 0) and g(u) = u^α e^{-u}/Γ(α)
// (u times the Gamma(α, 1) density), the mean absolute deviation of
// X ~ Gamma(α, β) about m is D = A/β with
//
//	A = E|Y - u| = (u - α)(P - Q) + 2g(u),   Y ~ Gamma(α, 1),
//
// from E(u - Y)⁺ = u P(α, u) - α P(α+1, u) and
// P(α+1, u) = P(α, u) - g(u)/α. Then
//
//	KL = -H(p) + log 2b + D/b
//	   = J(α) + ½ + log(2A/√(2πα)) + LogRatioM1(log(D/b)),
//
// with the Gamma negentropy J(α) (special.GammaNegentropy). Partials:
// ∂m = (P - Q)/b, ∂b = (1 - D/b)/b,
// ∂β = 1/β + (α(P-Q) - 2g)/(β²b),
// ∂α = (α-1)ψ₁(α) - 1 + (2(u-α)∂P/∂α - (P-Q) + 2g(log u - ψ(α)))/(βb),
// with ∂P/∂α from special.GammaIncRegDa.
func klGammaLaplace(p Gamma, q Laplace) (ad.Var, error) {
	return klCross("KL(Gamma || Laplace)", func(x, d *[4]float64, grad bool) float64 {
		a, be, m, b := x[0], x[1], x[2], x[3]
		u := be * m
		var pmq, g, A float64
		if u <= 0 {
			pmq, A = -1, a-u
		} else {
			P, Q := mathext.GammaIncReg(a, u), mathext.GammaIncRegComp(a, u)
			pmq = P - Q
			g = math.Exp(special.LogXGammaPDF(a, u))
			A = (u-a)*pmq + 2*g
		}
		dev := A / be
		cl := special.GammaNegentropy(a) + 0.5 + math.Log(2*A/math.Sqrt(2*math.Pi*a))
		kl, cdd, db := laplaceTargetCross(cl, dev, b)
		if grad {
			var da float64 // ∂A/∂α at fixed u
			if u <= 0 {
				da = 1
			} else {
				da = 2*(u-a)*special.GammaIncRegDa(a, u) - pmq + 2*g*(math.Log(u)-special.Digamma(a))
			}
			d[0] = (a-1)*special.Trigamma(a) - 1 + cdd*da/be
			d[1] = 1/be + cdd*(a*pmq-2*g)/(be*be)
			d[2] = cdd * pmq
			d[3] = db
		}
		return kl
	}, p.Concentration, p.Rate, q.Loc, q.Scale), nil
}
