package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klNormalGumbel)
	RegisterKL(klNormalLaplace)
	registerInfinite[Normal, Beta]()
	registerInfinite[Normal, Exponential]()
	registerInfinite[Normal, Gamma]()
	registerInfinite[Normal, Pareto]()
	registerInfinite[Normal, Uniform]()
	registerInfinite[Normal, ContinuousBernoulli]()
	registerInfinite[Normal, HalfNormal]()
	registerInfinite[Normal, LogNormal]()
	registerInfinite[Normal, Weibull]()
}

// klNormalGumbel is KL(N(μ, s) || Gumbel(m, σ)), summed over columns.
// With -log q(x) = log σ + z + e^{-z}, z = (x-m)/σ, r = s/σ,
// d = (μ-m)/σ, E z = d and E e^{-z} = e^y, y = r²/2 - d:
//
//	KL = -½ log(2πe s²) + log σ + d + e^y
//	   = (1 - ½ log 2π) + ½ LogRatioM1(2 log r) + LogRatioM1(y),
//
// three non-negative terms (1 - ½ log 2π ≈ 0.081 is the minimum over
// the parameters of q), as in torch's _kl_normal_gumbel up to the
// rearrangement. Partials: ∂μ = -expm1(y)/σ, ∂m = expm1(y)/σ,
// ∂s = -1/s + e^y s/σ², ∂σ = (1 - d + e^y (d - r²))/σ.
func klNormalGumbel(p Normal, q Gumbel) (ad.Var, error) {
	return klCross("KL(Normal || Gumbel)", func(x, d *[4]float64, grad bool) float64 {
		mu, s, m, sg := x[0], x[1], x[2], x[3]
		r := s / sg
		dd := (mu - m) / sg
		y := 0.5*r*r - dd
		kl := 1 - halfLog2PiCross + 0.5*special.LogRatioM1(2*math.Log(r)) + special.LogRatioM1(y)
		if grad {
			ey := math.Exp(y)
			em := math.Expm1(y)
			d[0] = -em / sg
			d[1] = -1/s + ey*s/(sg*sg)
			d[2] = em / sg
			d[3] = (1 - dd + ey*(dd-r*r)) / sg
		}
		return kl
	}, p.Loc, p.Scale, q.Loc, q.Scale), nil
}

// klNormalLaplace is KL(N(μ, s) || Laplace(m, b)), summed over columns.
// The mean absolute deviation of X ~ N(μ, s) about m is
// D = s A(δ), A(δ) = E|Z + δ| = √(2/π) e^{-δ²/2} + δ erf(δ/√2),
// δ = (μ - m)/s (a folded-normal mean), and
//
//	KL = -½ log(2πe s²) + log 2b + D/b
//	   = ½ + log(2/π) + log Ā(δ) + LogRatioM1(log(D/b)),
//
// with Ā = A √(π/2) = e^{-δ²/2} + δ √(π/2) erf(δ/√2) >= 1 (log Ā from
// log1p of Ā - 1 = expm1(-δ²/2) + δ √(π/2) erf(δ/√2) for |δ| < 1). All
// terms are non-negative; ½ + log(2/π) ≈ 0.048 is the minimum over q.
// torch's _kl_normal_laplace is the first line. Partials:
// ∂μ = erf(δ/√2)/b = -∂m, ∂s = -1/s + √(2/π) e^{-δ²/2}/b,
// ∂b = (1 - D/b)/b.
func klNormalLaplace(p Normal, q Laplace) (ad.Var, error) {
	return klCross("KL(Normal || Laplace)", func(x, d *[4]float64, grad bool) float64 {
		mu, s, m, b := x[0], x[1], x[2], x[3]
		delta := (mu - m) / s
		h := delta * delta / 2
		er := math.Erf(delta / math.Sqrt2)
		var logAbar float64
		if math.Abs(delta) < 1 {
			logAbar = math.Log1p(math.Expm1(-h) + delta*math.Sqrt(math.Pi/2)*er)
		} else {
			logAbar = math.Log(math.Exp(-h) + delta*math.Sqrt(math.Pi/2)*er)
		}
		dev := s * sqrt2OverPiCross * math.Exp(logAbar) // D = s A
		kl, cdd, db := laplaceTargetCross(halfNormalExpCross+logAbar, dev, b)
		if grad {
			d[0] = cdd * er
			d[1] = -1/s + cdd*sqrt2OverPiCross*math.Exp(-h)
			d[2] = -cdd * er
			d[3] = db
		}
		return kl
	}, p.Loc, p.Scale, q.Loc, q.Scale), nil
}
