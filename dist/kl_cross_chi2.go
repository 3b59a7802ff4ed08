package dist

import (
	"github.com/kldiv/kldiv/ad"
)

// Chi2(k) is Gamma(k/2, 1/2) (chi2AsGamma), so every cross pair of Gamma
// has a Chi2 counterpart that runs the Gamma kernel on the reparameterized
// distribution, with the gradient flowing back to Df through k/2. They are
// registered as Structural pairs, and the support mismatches of Gamma as
// Infinite ones. TestChi2MirrorsGammaCross checks that every pair
// registered with Gamma on either side has its Chi2 counterpart.
func init() {
	// Chi2 as p.
	registerKind(Structural, func(p Chi2, q Exponential) (ad.Var, error) { return klGammaExponential(chi2AsGamma(p), q) })
	registerKind(Structural, func(p Chi2, q Gumbel) (ad.Var, error) { return klGammaGumbel(chi2AsGamma(p), q) })
	registerKind(Structural, func(p Chi2, q Normal) (ad.Var, error) { return klGammaNormal(chi2AsGamma(p), q) })
	registerKind(Structural, func(p Chi2, q Laplace) (ad.Var, error) { return klGammaLaplace(chi2AsGamma(p), q) })
	registerInfinite[Chi2, Beta]()
	registerInfinite[Chi2, Pareto]()
	registerInfinite[Chi2, Uniform]()
	registerInfinite[Chi2, ContinuousBernoulli]()

	// Chi2 as q.
	registerKind(Structural, func(p Exponential, q Chi2) (ad.Var, error) { return klExponentialGamma(p, chi2AsGamma(q)) })
	registerKind(Structural, func(p Beta, q Chi2) (ad.Var, error) { return klBetaGamma(p, chi2AsGamma(q)) })
	registerKind(Structural, func(p Pareto, q Chi2) (ad.Var, error) { return klParetoGamma(p, chi2AsGamma(q)) })
	registerKind(Structural, func(p Uniform, q Chi2) (ad.Var, error) { return klUniformGamma(p, chi2AsGamma(q)) })
	registerKind(Structural, func(p Weibull, q Chi2) (ad.Var, error) { return klWeibullGamma(p, chi2AsGamma(q)) })
	registerKind(Structural, func(p HalfNormal, q Chi2) (ad.Var, error) { return klHalfNormalGamma(p, chi2AsGamma(q)) })
	registerKind(Structural, func(p LogNormal, q Chi2) (ad.Var, error) { return klLogNormalGamma(p, chi2AsGamma(q)) })
	registerInfinite[Gumbel, Chi2]()
	registerInfinite[Laplace, Chi2]()
	registerInfinite[Normal, Chi2]()
}
