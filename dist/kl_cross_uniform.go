package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klUniformBeta)
	RegisterKL(klUniformExponential)
	RegisterKL(klUniformGamma)
	RegisterKL(klUniformGumbel)
	RegisterKL(klUniformNormal)
	RegisterKL(klUniformPareto)
	RegisterKL(klUniformLaplace)
	RegisterKL(klUniformContinuousBernoulli)
}

// Every Uniform(l, h) pair below has H(p) = log w, w = h - l, mean
// (l+h)/2 and variance w²/12; -∂H/∂l = 1/w = ∂H/∂h. E log X on l >= 0 is
// uniformLogMomentCross.

// klUniformBeta is KL(U(l, h) || Beta(α, β)), summed over columns: +Inf
// (zero partials) in rows where [l, h] is not inside [0, 1], else
//
//	KL = -log w + log B(α, β) - (α-1) E log X - (β-1) E log(1-X)
//	   = -log w + [D(1, α) + D(1, β) - D(2, α+β)] - (α-1)(E log X + 1) - (β-1)(E log(1-X) + 1),
//
// where the bracket is log B(α, β) + α + β - 2 = KL(U(0, 1) || Beta(α, β))
// (lbetaUniformCross: Bregman divergences of log Γ near α = β = 1), and
// E log X + 1 = 0 = E log(1-X) + 1 for [l, h] = [0, 1]: the value keeps its
// relative accuracy as q approaches U(0, 1) = Beta(1, 1). It is finite
// for l = 0 or h = 1 (0 log 0 = 0), where torch's _kl_uniform_beta gives
// +Inf or NaN. -log w is -log1p(-(l + (1 - h))). Partials:
// ∂α = ψ(α) - ψ(α+β) - E log X, ∂β = ψ(β) - ψ(α+β) - E log(1-X),
// ∂l = (1 - (α-1)ν₁ + (β-1)ω₀)/w, ∂h = (-1 - (α-1)ω₁ + (β-1)ν₀)/w with
// ω, ν from uniformLogMomentCross for X (₁) and 1-X (₀); ∂l is infinite
// at l = 0 when α ≠ 1, and ∂h at h = 1 when β ≠ 1 (the one-sided
// derivatives of the divergence there).
func klUniformBeta(p Uniform, q Beta) (ad.Var, error) {
	return klCross("KL(Uniform || Beta)", func(x, d *[4]float64, grad bool) float64 {
		l, h, a, b := x[0], x[1], x[2], x[3]
		if l < 0 || h > 1 {
			return math.Inf(1)
		}
		w := h - l
		l1, om1, nu1 := uniformLogMomentCross(l, h)
		l0, om0, nu0 := uniformLogMomentCross(1-h, 1-l)
		breg := lbetaUniformCross(a, b)
		kl := -math.Log1p(-(l + (1 - h))) + breg - (a-1)*uniformLogMomentP1Cross(l, h) - (b-1)*uniformLogMomentP1Cross(1-h, 1-l)
		if grad {
			ps := special.Digamma(a + b)
			d[0] = (1 - mulInfCross(a-1, nu1) + (b-1)*om0) / w
			d[1] = (-1 - (a-1)*om1 + mulInfCross(b-1, nu0)) / w
			d[2] = special.Digamma(a) - ps - l1
			d[3] = special.Digamma(b) - ps - l0
		}
		return kl
	}, p.Low, p.High, q.Concentration1, q.Concentration0), nil
}

// lbetaUniformCross returns log B(α, β) + α + β - 2 = KL(U(0, 1) || Beta(α, β)):
// near α = β = 1 as D(1, α) + D(1, β) - D(2, α+β) with the Bregman
// divergences of log Γ (special.LgammaBregman), which keep its relative
// accuracy there; elsewhere directly (where 2 + (α-1) + (β-1) could round
// to 0 for tiny shapes).
func lbetaUniformCross(a, b float64) float64 {
	if math.Abs(a-1) < 0.5 && math.Abs(b-1) < 0.5 {
		return special.LgammaBregman(1, a) + special.LgammaBregman(1, b) - special.LgammaBregmanD(2, (a-1)+(b-1))
	}
	return special.Lbeta(a, b) + (a - 1) + (b - 1)
}

// klUniformExponential is KL(U(l, h) || Exponential(r)), summed over
// columns: +Inf (zero partials) in rows with l < 0, else (expTargetCross)
//
//	KL = r(l+h)/2 - log(w r) = 1 + log((l+h)/(2w)) + LogRatioM1(log(r(l+h)/2)),
//
// where 1 + log((l+h)/(2w)) >= 1 - log 2; torch's _kl_uniform_exponetial
// is the first line.
func klUniformExponential(p Uniform, q Exponential) (ad.Var, error) {
	return klCross("KL(Uniform || Exponential)", func(x, d *[4]float64, grad bool) float64 {
		l, h, r := x[0], x[1], x[2]
		if l < 0 {
			return math.Inf(1)
		}
		w, mu := h-l, (l+h)/2
		kl, cmu, dr := expTargetCross(1+math.Log(mu/w), mu, math.Log(mu), r)
		if grad {
			d[0] = 1/w + cmu/2
			d[1] = -1/w + cmu/2
			d[2] = dr
		}
		return kl
	}, p.Low, p.High, q.Rate), nil
}

// klUniformGamma is KL(U(l, h) || Gamma(c, r)), summed over columns: +Inf
// (zero partials) in rows with l < 0, else, with E log X from
// uniformLogMomentCross (log h - 1 at l = 0) and gammaTargetCross,
//
//	KL = -log w + log Γ(c) - c log r - (c-1) E log X + r(l+h)/2
//	   = c LogRatioM1(log(rμ/c)) + 1 + log(μ/w) + Λ(c) + (c-1)(log μ - E log X).
//
// torch's _kl_uniform_gamma is the first line. ∂l is infinite at l = 0
// when c ≠ 1 (the one-sided derivative).
func klUniformGamma(p Uniform, q Gamma) (ad.Var, error) {
	return klCross("KL(Uniform || Gamma)", func(x, d *[4]float64, grad bool) float64 {
		l, h, c, r := x[0], x[1], x[2], x[3]
		if l < 0 {
			return math.Inf(1)
		}
		w, mu := h-l, (l+h)/2
		lmu := math.Log(mu)
		lx, om, nu := uniformLogMomentCross(l, h)
		kl, cmu, cl, dc, dr := gammaTargetCross(1+math.Log(mu/w), mu, lmu, lx, lmu-lx, c, r)
		if grad {
			d[0] = 1/w + cmu/2 + mulInfCross(cl, nu)/w
			d[1] = -1/w + cmu/2 + cl*om/w
			d[2], d[3] = dc, dr
		}
		return kl
	}, p.Low, p.High, q.Concentration, q.Rate), nil
}

// klUniformGumbel is KL(U(l, h) || Gumbel(m, σ)), summed over columns.
// With a = (l-m)/σ, b = (h-m)/σ, ω = w/σ, E e^{-z} = (e^{-a} - e^{-b})/ω,
// whose log is K - d with K = log(sinh(ω/2)/(ω/2)) and d = (a+b)/2:
//
//	KL = -log ω + d + (e^{-a} - e^{-b})/ω
//	   = 1 + K - log ω + LogRatioM1(K - d),
//
// where 1 + K - log ω > 0.2 (log sinh(x)/x by special.LogSinhc, exact for
// narrow intervals). torch's _kl_uniform_gumbel is the first line.
// Partials, with E = e^{K-d} and B = 1/ω - 1/expm1(ω): ∂/∂a = 1/ω + ½ -
// E(1 - B), ∂/∂b = -1/ω + ½ - E B, and ∂l = ∂a/σ, ∂h = ∂b/σ,
// ∂m = expm1(K-d)/σ, ∂σ = -(a ∂/∂a + b ∂/∂b)/σ
// = (1 - d + E(d - (ω/2)(1 - 2B)))/σ.
func klUniformGumbel(p Uniform, q Gumbel) (ad.Var, error) {
	return klCross("KL(Uniform || Gumbel)", func(x, d *[4]float64, grad bool) float64 {
		l, h, m, s := x[0], x[1], x[2], x[3]
		om := (h - l) / s
		k := special.LogSinhc(om / 2)
		dd := ((l+h)/2 - m) / s
		kl := 1 + k - math.Log(om) + special.LogRatioM1(k-dd)
		if grad {
			e := math.Exp(k - dd)
			bb := bernoulliB1Cross(om)
			ka := 1/om + 0.5 - e*(1-bb)
			kb := -1/om + 0.5 - e*bb
			d[0] = ka / s
			d[1] = kb / s
			d[2] = math.Expm1(k-dd) / s
			// -(a ∂/∂a + b ∂/∂b) with a, b = d ∓ ω/2 and the E terms
			// collected (no Inf - Inf when E is large).
			d[3] = (1 - dd + e*(dd-om/2*(1-2*bb))) / s
		}
		return kl
	}, p.Low, p.High, q.Loc, q.Scale), nil
}

// klUniformNormal is KL(U(l, h) || N(m, s)), summed over columns: with the
// uniform negentropy ½ log(πe/6) ≈ 0.177 (normalTargetCross),
//
//	KL = ½ log(πe/6) + ½ LogRatioM1(log(w²/(12 s²))) + ½ (((l+h)/2 - m)/s)²,
//
// the same divergence as torch's _kl_uniform_normal.
func klUniformNormal(p Uniform, q Normal) (ad.Var, error) {
	return klCross("KL(Uniform || Normal)", func(x, d *[4]float64, grad bool) float64 {
		l, h, m, s := x[0], x[1], x[2], x[3]
		w := h - l
		kl, cmu, cv, dm, ds := normalTargetCross(negentropyUniformCross, (l+h)/2, w*w/12, m, s)
		if grad {
			d[0] = 1/w + cmu/2 - cv*w/6
			d[1] = -1/w + cmu/2 + cv*w/6
			d[2], d[3] = dm, ds
		}
		return kl
	}, p.Low, p.High, q.Loc, q.Scale), nil
}

// klUniformPareto is KL(U(l, h) || Pareto(x_m, α)), summed over columns:
// +Inf (zero partials) in rows with l < x_m, else, with
// U = E log(X/x_m) = log(l/x_m) + ν (ν from uniformLogMomentCross, both
// terms non-negative),
//
//	KL = -log w - log α - α log x_m + (α+1) E log X
//	   = LogRatioM1(log(αU)) + 1 + U + log(U x_m/w).
//
// torch's _kl_uniform_pareto is the first line. Partials:
// ∂x_m = -α/x_m, ∂α = U - 1/α, ∂l = (1 + (α+1)ν)/w,
// ∂h = (-1 + (α+1)ω)/w.
func klUniformPareto(p Uniform, q Pareto) (ad.Var, error) {
	return klCross("KL(Uniform || Pareto)", func(x, d *[4]float64, grad bool) float64 {
		l, h, xm, a := x[0], x[1], x[2], x[3]
		if l < xm {
			return math.Inf(1)
		}
		w := h - l
		_, om, nu := uniformLogMomentCross(l, h)
		u := logRatioGamma(l, xm) + nu
		kl := special.LogRatioM1(math.Log(a*u)) + 1 + u + math.Log(u*xm/w)
		if grad {
			d[0] = (1 + (a+1)*nu) / w
			d[1] = (-1 + (a+1)*om) / w
			d[2] = -a / xm
			d[3] = u - 1/a
		}
		return kl
	}, p.Low, p.High, q.Scale, q.Alpha), nil
}

// klUniformLaplace is KL(U(l, h) || Laplace(m, σ)), summed over columns
// (not in torch). The mean absolute deviation about m is
// D = ((m-l)² + (h-m)²)/(2w) for l < m < h and |(l+h)/2 - m| otherwise,
// and (laplaceTargetCross)
//
//	KL = -log w + log 2σ + D/σ = 1 + log(2D/w) + LogRatioM1(log(D/σ)),
//
// with 2D/w >= ½. Partials: ∂m = ∂D/∂m/σ, ∂l = 1/w + ∂D/∂l/σ,
// ∂h = -1/w + ∂D/∂h/σ, ∂σ = (1 - D/σ)/σ, where inside (l, h)
// ∂D/∂m = (2m - l - h)/w, ∂D/∂l = (D - (m-l))/w, ∂D/∂h = ((h-m) - D)/w.
func klUniformLaplace(p Uniform, q Laplace) (ad.Var, error) {
	return klCross("KL(Uniform || Laplace)", func(x, d *[4]float64, grad bool) float64 {
		l, h, m, s := x[0], x[1], x[2], x[3]
		w := h - l
		var dev, dl, dh, dm float64
		switch {
		case m <= l:
			dev, dl, dh, dm = (l+h)/2-m, 0.5, 0.5, -1
		case m >= h:
			dev, dl, dh, dm = m-(l+h)/2, -0.5, -0.5, 1
		default:
			ml, hm := m-l, h-m
			dev = (ml*ml + hm*hm) / (2 * w)
			dl, dh, dm = (dev-ml)/w, (hm-dev)/w, (ml-hm)/w
		}
		kl, cdd, ds := laplaceTargetCross(1+math.Log(2*dev/w), dev, s)
		if grad {
			d[0] = 1/w + cdd*dl
			d[1] = -1/w + cdd*dh
			d[2] = cdd * dm
			d[3] = ds
		}
		return kl
	}, p.Low, p.High, q.Loc, q.Scale), nil
}
