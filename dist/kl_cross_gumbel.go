package dist

import (
	"github.com/kldiv/kldiv/ad"
)

func init() {
	RegisterKL(klGumbelNormal)
	registerInfinite[Gumbel, Beta]()
	registerInfinite[Gumbel, Exponential]()
	registerInfinite[Gumbel, Gamma]()
	registerInfinite[Gumbel, Pareto]()
	registerInfinite[Gumbel, Uniform]()
	registerInfinite[Gumbel, ContinuousBernoulli]()
	registerInfinite[Gumbel, HalfNormal]()
	registerInfinite[Gumbel, LogNormal]()
	registerInfinite[Gumbel, Weibull]()
}

// klGumbelNormal is KL(Gumbel(μ, β) || N(m, s)), summed over columns.
// The Gumbel has mean μ + γβ, variance π²β²/6 and entropy log β + γ + 1,
// so its negentropy is ½ log(π³/3) - ½ - γ ≈ 0.091 and
// (normalTargetCross)
//
//	KL = ½ log(π³/3) - ½ - γ + ½ LogRatioM1(log(π²β²/(6s²))) + ½ ((μ + γβ - m)/s)².
//
// torch's _kl_gumbel_normal writes the variance term as (π r/2)²/3 with
// r = β/s, which is the same π²r²/12. Partials: -∂H/∂β = -1/β,
// ∂mean/∂μ = 1, ∂mean/∂β = γ, ∂V/∂β = π²β/3.
func klGumbelNormal(p Gumbel, q Normal) (ad.Var, error) {
	return klCross("KL(Gumbel || Normal)", func(x, d *[4]float64, grad bool) float64 {
		mu, b, m, s := x[0], x[1], x[2], x[3]
		mean := mu + eulerGamma*b
		v := piSquaredCross / 6 * b * b
		kl, cmu, cv, dm, ds := normalTargetCross(negentropyGumbelCross, mean, v, m, s)
		if grad {
			d[0] = cmu
			d[1] = -1/b + cmu*eulerGamma + cv*piSquaredCross/3*b
			d[2], d[3] = dm, ds
		}
		return kl
	}, p.Loc, p.Scale, q.Loc, q.Scale), nil
}
