package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

func init() {
	RegisterKL(klHalfNormalExponential)
	RegisterKL(klHalfNormalGamma)
}

// halfNormalDeltaCross = log E X - E log X for a half-normal variable,
// ½(γ + log(4/π)): E X = s√(2/π) and E log X = log s - (γ + log 2)/2
// (E log|Z| for Z ~ N(0, 1)).
var halfNormalDeltaCross = 0.5 * (eulerGamma + math.Log(4/math.Pi))

// klHalfNormalExponential is KL(HalfNormal(s) || Exponential(r)), summed
// over columns (not in torch). With E X = s√(2/π) and
// H(p) = ½ log(πe s²/2) (expTargetCross):
//
//	KL = -H(p) - log r + r s√(2/π) = ½ + log(2/π) + LogRatioM1(log(r s√(2/π))),
//
// where ½ + log(2/π) ≈ 0.048 is the minimum over r. Partials:
// ∂s = -1/s + r√(2/π), ∂r = s√(2/π) - 1/r.
func klHalfNormalExponential(p HalfNormal, q Exponential) (ad.Var, error) {
	return klCross("KL(HalfNormal || Exponential)", func(x, d *[4]float64, grad bool) float64 {
		s, r := x[0], x[1]
		mu := s * sqrt2OverPiCross
		kl, cmu, dr := expTargetCross(halfNormalExpCross, mu, math.Log(mu), r)
		if grad {
			d[0] = -1/s + cmu*sqrt2OverPiCross
			d[1] = dr
		}
		return kl
	}, p.Scale, q.Rate), nil
}

// klHalfNormalGamma is KL(HalfNormal(s) || Gamma(c, r)), summed over
// columns (not in torch). With E X = s√(2/π), E log X =
// log s - (γ + log 2)/2 and gammaTargetCross:
//
//	KL = -H(p) + log Γ(c) - c log r - (c-1) E log X + r s√(2/π)
//	   = c LogRatioM1(log(r E X/c)) + ½ + log(2/π) + Λ(c) + (c-1)·½(γ + log(4/π)).
//
// Partials: ∂s = -1/s + r√(2/π) - (c-1)/s, ∂c = ψ(c) - log r - E log X,
// ∂r = E X - c/r.
func klHalfNormalGamma(p HalfNormal, q Gamma) (ad.Var, error) {
	return klCross("KL(HalfNormal || Gamma)", func(x, d *[4]float64, grad bool) float64 {
		s, c, r := x[0], x[1], x[2]
		mu := s * sqrt2OverPiCross
		lmu := math.Log(mu)
		kl, cmu, cl, dc, dr := gammaTargetCross(halfNormalExpCross, mu, lmu, lmu-halfNormalDeltaCross, halfNormalDeltaCross, c, r)
		if grad {
			d[0] = -1/s + cmu*sqrt2OverPiCross + cl/s
			d[1], d[2] = dc, dr
		}
		return kl
	}, p.Scale, q.Concentration, q.Rate), nil
}
