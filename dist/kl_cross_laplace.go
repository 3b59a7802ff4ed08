package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klLaplaceNormal)
	RegisterKL(klLaplaceGumbel)
	registerInfinite[Laplace, Beta]()
	registerInfinite[Laplace, Exponential]()
	registerInfinite[Laplace, Gamma]()
	registerInfinite[Laplace, Pareto]()
	registerInfinite[Laplace, Uniform]()
	registerInfinite[Laplace, ContinuousBernoulli]()
	registerInfinite[Laplace, HalfNormal]()
	registerInfinite[Laplace, LogNormal]()
	registerInfinite[Laplace, Weibull]()
}

// klLaplaceNormal is KL(Laplace(μ, b) || N(m, s)), summed over columns.
// The Laplace has variance 2b² and entropy 1 + log 2b, so its negentropy
// is ½ log π - ½ ≈ 0.072 and (normalTargetCross)
//
//	KL = ½ log π - ½ + ½ LogRatioM1(log(2b²/s²)) + ½ ((μ - m)/s)²,
//
// the same divergence as torch's _kl_laplace_normal. Partials:
// -∂H/∂b = -1/b, ∂V/∂b = 4b.
func klLaplaceNormal(p Laplace, q Normal) (ad.Var, error) {
	return klCross("KL(Laplace || Normal)", func(x, d *[4]float64, grad bool) float64 {
		mu, b, m, s := x[0], x[1], x[2], x[3]
		kl, cmu, cv, dm, ds := normalTargetCross(negentropyLaplaceCross, mu, 2*b*b, m, s)
		if grad {
			d[0] = cmu
			d[1] = -1/b + cv*4*b
			d[2], d[3] = dm, ds
		}
		return kl
	}, p.Loc, p.Scale, q.Loc, q.Scale), nil
}

// klLaplaceGumbel is KL(Laplace(μ, b) || Gumbel(m, σ)), summed over
// columns (not in torch). With ρ = b/σ and d = (μ - m)/σ, the Laplace
// moment generating function gives E e^{-(X-μ)/σ} = 1/(1 - ρ²) for ρ < 1
// and +Inf otherwise, where the Gumbel's left tail e^{-e^{-z}} is lighter
// than the Laplace's and the divergence is +Inf (with zero partials).
// With K = -log1p(-ρ²):
//
//	KL = -H(p) + log σ + d + e^{K-d} = -log 2ρ + K + LogRatioM1(K - d),
//
// where -log 2ρ - log(1 - ρ²) >= log(3√3/4) ≈ 0.26. Partials, with
// E = e^{K-d}: ∂μ = -expm1(K-d)/σ = -∂m, ∂b = -1/b + 2Eρ/(σ(1-ρ²)),
// ∂σ = (1 - d + E(d - 2ρ²/(1-ρ²)))/σ.
func klLaplaceGumbel(p Laplace, q Gumbel) (ad.Var, error) {
	return klCross("KL(Laplace || Gumbel)", func(x, d *[4]float64, grad bool) float64 {
		mu, b, m, s := x[0], x[1], x[2], x[3]
		rho := b / s
		if rho >= 1 {
			return math.Inf(1)
		}
		dd := (mu - m) / s
		k := -math.Log1p(-rho * rho)
		kl := -math.Log(2*rho) + k + special.LogRatioM1(k-dd)
		if grad {
			e := math.Exp(k - dd)
			em := math.Expm1(k - dd)
			omr := 1 - rho*rho
			d[0] = -em / s
			d[1] = -1/b + 2*e*rho/(s*omr)
			d[2] = em / s
			d[3] = (1 - dd + e*(dd-2*rho*rho/omr)) / s
		}
		return kl
	}, p.Loc, p.Scale, q.Loc, q.Scale), nil
}
