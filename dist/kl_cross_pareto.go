package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klParetoExponential)
	RegisterKL(klParetoGamma)
	RegisterKL(klParetoNormal)
	RegisterKL(klParetoLaplace)
	registerInfinite[Pareto, Beta]()
	registerInfinite[Pareto, Uniform]()
	registerInfinite[Pareto, ContinuousBernoulli]()
}

// paretoCross holds what the cross pairs use of Pareto(x_m, α), α > 1:
// the mean mu = α x_m/(α-1) and its log, g = LogRatioM1(log1p(-1/α))
// = -log(1 - 1/α) - 1/α >= 0, and the shape constant
// ce = 1 + log mu - H = log α + g (H = log(x_m/α) + 1 + 1/α), the KL from
// p to the exponential distribution with its mean.
type paretoCross struct {
	xm, a, mu, logMu, g, ce float64
}

func newParetoCross(xm, a float64) paretoCross {
	l1 := math.Log1p(-1 / a)
	g := special.LogRatioM1(l1)
	return paretoCross{xm: xm, a: a, mu: a * xm / (a - 1), logMu: math.Log(xm) - l1, g: g, ce: math.Log(a) + g}
}

// negH returns -∂H/∂x_m = -1/x_m and -∂H/∂α = 1/α + 1/α².
func (pc paretoCross) negH() (float64, float64) {
	return -1 / pc.xm, 1/pc.a + 1/(pc.a*pc.a)
}

// dmu returns ∂mu/∂x_m = α/(α-1) and ∂mu/∂α = -x_m/(α-1)².
func (pc paretoCross) dmu() (float64, float64) {
	am1 := pc.a - 1
	return pc.a / am1, -pc.xm / (am1 * am1)
}

// klParetoExponential is KL(Pareto(x_m, α) || Exponential(r)), summed
// over columns: +Inf (zero partials) in rows with α <= 1, where the mean
// is infinite, else (expTargetCross)
//
//	KL = log(α/(x_m r)) - 1/α + α x_m r/(α-1) - 1
//	   = log α + LogRatioM1(log1p(-1/α)) + LogRatioM1(log(r μ)),
//
// three non-negative terms; torch's _kl_pareto_exponential is the first
// line.
func klParetoExponential(p Pareto, q Exponential) (ad.Var, error) {
	return klCross("KL(Pareto || Exponential)", func(x, d *[4]float64, grad bool) float64 {
		if x[1] <= 1 {
			return math.Inf(1)
		}
		pc := newParetoCross(x[0], x[1])
		kl, cmu, dr := expTargetCross(pc.ce, pc.mu, pc.logMu, x[2])
		if grad {
			hx, ha := pc.negH()
			mx, ma := pc.dmu()
			d[0] = hx + cmu*mx
			d[1] = ha + cmu*ma
			d[2] = dr
		}
		return kl
	}, p.Scale, p.Alpha, q.Rate), nil
}

// klParetoGamma is KL(Pareto(x_m, α) || Gamma(c, r)), summed over columns:
// +Inf (zero partials) in rows with α <= 1, else, with E log X =
// log x_m + 1/α and E log X - log μ = -LogRatioM1(log1p(-1/α))
// (gammaTargetCross),
//
//	KL = log α - 1 - c/α + log Γ(c) - c log(r x_m) + r x_m α/(α-1)
//	   = c LogRatioM1(log(rμ/c)) + log α + g + Λ(c) + (c-1) g,
//
// g = LogRatioM1(log1p(-1/α)). torch's _kl_pareto_gamma is the first
// line.
func klParetoGamma(p Pareto, q Gamma) (ad.Var, error) {
	return klCross("KL(Pareto || Gamma)", func(x, d *[4]float64, grad bool) float64 {
		if x[1] <= 1 {
			return math.Inf(1)
		}
		pc := newParetoCross(x[0], x[1])
		c, r := x[2], x[3]
		l := math.Log(pc.xm) + 1/pc.a
		kl, cmu, cl, dc, dr := gammaTargetCross(pc.ce, pc.mu, pc.logMu, l, pc.g, c, r)
		if grad {
			hx, ha := pc.negH()
			mx, ma := pc.dmu()
			d[0] = hx + cmu*mx + cl/pc.xm
			d[1] = ha + cmu*ma - cl/(pc.a*pc.a)
			d[2], d[3] = dc, dr
		}
		return kl
	}, p.Scale, p.Alpha, q.Concentration, q.Rate), nil
}

// klParetoNormal is KL(Pareto(x_m, α) || N(m, s)), summed over columns:
// +Inf (zero partials) in rows with α <= 2, where the variance is
// infinite, else (normalTargetCross) with the variance
// V = x_m² α/((α-1)²(α-2)) and the Pareto negentropy
//
//	J(α) = ½ log(2πe V) - H = ½ log 2π - ½ + LogRatioM1(log1p(-1/α)) - ½ log1p(-2/α),
//
// a sum of non-negative terms and ½ log 2π - ½:
//
//	KL = J(α) + ½ LogRatioM1(log(V/s²)) + ½ ((μ - m)/s)².
//
// torch's _kl_pareto_normal is the same divergence.
func klParetoNormal(p Pareto, q Normal) (ad.Var, error) {
	return klCross("KL(Pareto || Normal)", func(x, d *[4]float64, grad bool) float64 {
		xm, a := x[0], x[1]
		if a <= 2 {
			return math.Inf(1)
		}
		pc := newParetoCross(xm, a)
		am1 := a - 1
		v := xm * xm * a / (am1 * am1 * (a - 2))
		j := negentropyExpCross + pc.g - 0.5*math.Log1p(-2/a)
		kl, cmu, cv, dm, ds := normalTargetCross(j, pc.mu, v, x[2], x[3])
		if grad {
			hx, ha := pc.negH()
			mx, ma := pc.dmu()
			d[0] = hx + cmu*mx + cv*2*v/xm
			d[1] = ha + cmu*ma + cv*v*(1/a-2/am1-1/(a-2))
			d[2], d[3] = dm, ds
		}
		return kl
	}, p.Scale, p.Alpha, q.Loc, q.Scale), nil
}

// klParetoLaplace is KL(Pareto(x_m, α) || Laplace(m, σ)), summed over
// columns (not in torch): +Inf (zero partials) in rows with α <= 1, else,
// with the mean absolute deviation about m
//
//	D = μ - m                                  (m <= x_m),
//	D = m - μ + 2 x_m ρ^{α-1}/(α-1),  ρ = x_m/m  (m > x_m)
//
// (E|X - m| = E X - m + 2 E(m - X)⁺ and
// E(m - X)⁺ = m - μ + x_m ρ^{α-1}/(α-1) for m > x_m), and
// (laplaceTargetCross)
//
//	KL = -H(p) + log 2σ + D/σ = log(2Dα/x_m) - 1/α + LogRatioM1(log(D/σ)).
//
// Partials: for m > x_m, ∂D/∂m = 1 - 2ρ^α,
// ∂D/∂x_m = α(2ρ^{α-1} - 1)/(α-1),
// ∂D/∂α = x_m/(α-1)² + 2x_m ρ^{α-1}(log ρ/(α-1) - 1/(α-1)²); for
// m <= x_m those of μ - m.
func klParetoLaplace(p Pareto, q Laplace) (ad.Var, error) {
	return klCross("KL(Pareto || Laplace)", func(x, d *[4]float64, grad bool) float64 {
		xm, a, m, sg := x[0], x[1], x[2], x[3]
		if a <= 1 {
			return math.Inf(1)
		}
		pc := newParetoCross(xm, a)
		am1 := a - 1
		var dev, dm, dx, da float64
		if m <= xm {
			dev = pc.mu - m
			dm, dx, da = -1, a/am1, -xm/(am1*am1)
		} else {
			rho := xm / m
			lr := math.Log(rho)
			t := math.Exp(am1 * lr) // ρ^{α-1}
			dev = (m - pc.mu) + 2*xm*t/am1
			dm = 1 - 2*t*rho
			dx = a / am1 * (2*t - 1)
			da = xm/(am1*am1) + 2*xm*t*(lr/am1-1/(am1*am1))
		}
		cl := math.Log(2*dev*a/xm) - 1/a
		kl, cdd, ds := laplaceTargetCross(cl, dev, sg)
		if grad {
			hx, ha := pc.negH()
			d[0] = hx + cdd*dx
			d[1] = ha + cdd*da
			d[2] = cdd * dm
			d[3] = ds
		}
		return kl
	}, p.Scale, p.Alpha, q.Loc, q.Scale), nil
}
