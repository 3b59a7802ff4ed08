package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klLogNormalExponential)
	RegisterKL(klLogNormalGamma)
}

// logNormalExpConstCross returns 1 + log E X - H(p) for p = LogNormal(m, s),
// ½ LogRatioM1(log s²) + 1 - ½ log 2π (E X = e^{m + s²/2},
// H = m + ½ log(2πe s²)), the KL from p to the exponential distribution
// with its mean; 1 - ½ log 2π ≈ 0.081 > 0.
func logNormalExpConstCross(s float64) float64 {
	return 0.5*special.LogRatioM1(2*math.Log(s)) + 1 - halfLog2PiCross
}

// klLogNormalExponential is KL(LogNormal(m, s) || Exponential(r)), summed
// over columns (not in torch). With log E X = m + s²/2 (expTargetCross,
// in log space so that a large mean does not overflow before the
// divergence does):
//
//	KL = -m - ½ log(2πe s²) - log r + r e^{m+s²/2}
//	   = ½ LogRatioM1(log s²) + 1 - ½ log 2π + LogRatioM1(log r + m + s²/2).
//
// Partials: ∂m = -1 + r E X, ∂s = -1/s + r s E X, ∂r = E X - 1/r.
func klLogNormalExponential(p LogNormal, q Exponential) (ad.Var, error) {
	return klCross("KL(LogNormal || Exponential)", func(x, d *[4]float64, grad bool) float64 {
		m, s, r := x[0], x[1], x[2]
		lmu := m + s*s/2
		mu := math.Exp(lmu)
		kl, cmu, dr := expTargetCross(logNormalExpConstCross(s), mu, lmu, r)
		if grad {
			d[0] = -1 + cmu*mu
			d[1] = -1/s + cmu*s*mu
			d[2] = dr
		}
		return kl
	}, p.Loc, p.Scale, q.Rate), nil
}

// klLogNormalGamma is KL(LogNormal(m, s) || Gamma(c, r)), summed over
// columns (not in torch). With E log X = m, log E X = m + s²/2 and
// gammaTargetCross:
//
//	KL = -m - ½ log(2πe s²) + log Γ(c) - c log r - (c-1)m + r e^{m+s²/2}
//	   = c LogRatioM1(log(r E X/c)) + ½ LogRatioM1(log s²) + 1 - ½ log 2π + Λ(c) + (c-1)s²/2.
//
// Partials: ∂m = -1 + r E X - (c-1), ∂s = -1/s + r s E X,
// ∂c = ψ(c) - log r - m, ∂r = E X - c/r.
func klLogNormalGamma(p LogNormal, q Gamma) (ad.Var, error) {
	return klCross("KL(LogNormal || Gamma)", func(x, d *[4]float64, grad bool) float64 {
		m, s, c, r := x[0], x[1], x[2], x[3]
		lmu := m + s*s/2
		mu := math.Exp(lmu)
		kl, cmu, cl, dc, dr := gammaTargetCross(logNormalExpConstCross(s), mu, lmu, m, s*s/2, c, r)
		if grad {
			d[0] = -1 + cmu*mu + cl
			d[1] = -1/s + cmu*s*mu
			d[2], d[3] = dc, dr
		}
		return kl
	}, p.Loc, p.Scale, q.Concentration, q.Rate), nil
}
