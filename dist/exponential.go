package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/reparam"
)

// Exponential is the exponential distribution with rate Rate, density
// rate·exp(-rate x) for x >= 0, applied independently to each column. Rate
// is B x C, 1 x C, B x 1 or 1 x 1.
type Exponential struct{ Rate ad.Var }

// NewExponential returns Exponential(rate) with a scalar parameter, or an
// error if rate is not positive.
func NewExponential(rate float64) (Exponential, error) {
	return ExponentialOf(scalar(rate))
}

// ExponentialOf returns Exponential(rate) with the parameter given as an ad
// value (differentiable when recorded on a tape), or an error if it is
// invalid.
func ExponentialOf(rate ad.Var) (Exponential, error) {
	d := Exponential{Rate: rate}
	return d, d.Validate()
}

// Validate checks that Rate is positive.
func (d Exponential) Validate() error {
	return validateDecl("Exponential", d.Rate)
}

// Shape returns the batch size and event width of Rate.
func (d Exponential) Shape() (int, int) { return paramShape("Exponential", d.Rate) }

// Support returns (0, ∞). The density is also defined at x = 0.
func (Exponential) Support() Support { return Positive() }

// LogProb returns Σ_j (log rate - rate x_ij) for each row (-Inf where
// x < 0), as one fused node with analytic partials for x and rate.
func (d Exponential) LogProb(x ad.Var) ad.Var {
	return fusedCells("Exponential", "LogProb", ad.ReduceCols, x, []ad.Var{d.Rate}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if xv < 0 {
			return math.Inf(-1)
		}
		lam := v[1]
		g[0], g[1] = -lam, 1/lam-xv
		return math.Log(lam) - lam*xv
	})
}

// Sample draws n values per batch row as a free constant.
func (d Exponential) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Exponential(rng, detach(d.Rate), n)
}

// Rsample draws n values per batch row as E/rate, E ~ Exp(1),
// differentiable with respect to rate.
func (d Exponential) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Exponential(rng, d.Rate, n)
}

// Mean returns 1/rate broadcast to B x C.
func (d Exponential) Mean() ad.Var {
	b, c := d.Shape()
	return expand(ad.Pow(d.Rate, -1), b, c)
}

// Variance returns 1/rate² broadcast to B x C.
func (d Exponential) Variance() ad.Var {
	b, c := d.Shape()
	return expand(ad.Pow(d.Rate, -2), b, c)
}

// Entropy returns Σ_j (1 - log rate_j) for each batch row.
func (d Exponential) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Shift(ad.Neg(ad.Log(d.Rate)), 1), b, c)
}

// CDF returns -expm1(-rate x) element-wise (0 where x < 0), accurate for
// small rate·x.
func (d Exponential) CDF(x ad.Var) ad.Var {
	return fusedCells("Exponential", "CDF", ad.Elementwise, x, []ad.Var{d.Rate}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if xv < 0 {
			return 0
		}
		lam := v[1]
		e := math.Exp(-lam * xv)
		g[0], g[1] = lam*e, xv*e
		return -math.Expm1(-lam * xv)
	})
}

// Quantile returns -log1p(-p)/rate element-wise for probabilities p (a
// free constant; no gradient).
func (d Exponential) Quantile(p ad.Var) ad.Var {
	rv := viewOf(d.Rate)
	return pointwise("Exponential", "Quantile", p, []ad.Var{d.Rate}, func(i, j int, pv float64) float64 {
		return -math.Log1p(-pv) / rv.at(i, j)
	})
}
