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
	return firstErr(
		checkShapes("Exponential", []string{"rate"}, d.Rate),
		checkPositive("Exponential", "rate", d.Rate),
	)
}

// Shape returns the batch size and event width of Rate.
func (d Exponential) Shape() (int, int) { return paramShape("Exponential", d.Rate) }

// Support returns (0, ∞). The density is also defined at x = 0.
func (Exponential) Support() Support { return Positive() }

// LogProb returns Σ_j (log rate - rate x_ij) for each row (-Inf where
// x < 0), as one fused node with analytic partials for x and rate.
func (d Exponential) LogProb(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("Exponential", "LogProb", x, b, c)
	f := ad.NewFused(r, c, ad.ReduceCols, x, d.Rate)
	out, px, pr := f.Out(), f.Partial(0), f.Partial(1)
	xv, rv := viewOf(x), viewOf(d.Rate)
	for i := 0; i < r; i++ {
		var acc float64
		xo, ro := xv.row(i), rv.row(i)
		for j := 0; j < c; j++ {
			xx := xv.v[xo+j*xv.cs]
			if xx < 0 {
				acc = math.Inf(-1)
				continue
			}
			lam := rv.v[ro+j*rv.cs]
			acc += math.Log(lam) - lam*xx
			k := i*c + j
			if px != nil {
				px[k] = -lam
			}
			if pr != nil {
				pr[k] = 1/lam - xx
			}
		}
		out[i] = acc
	}
	return f.Var()
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
	b, c := d.Shape()
	r, c := grid("Exponential", "CDF", x, b, c)
	f := ad.NewFused(r, c, ad.Elementwise, x, d.Rate)
	out, px, pr := f.Out(), f.Partial(0), f.Partial(1)
	xv, rv := viewOf(x), viewOf(d.Rate)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			xx := xv.at(i, j)
			k := i*c + j
			if xx < 0 {
				out[k] = 0
				continue
			}
			lam := rv.at(i, j)
			out[k] = -math.Expm1(-lam * xx)
			e := math.Exp(-lam * xx)
			if px != nil {
				px[k] = lam * e
			}
			if pr != nil {
				pr[k] = xx * e
			}
		}
	}
	return f.Var()
}

// Quantile returns -log1p(-p)/rate element-wise for probabilities p (a
// free constant; no gradient).
func (d Exponential) Quantile(p ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("Exponential", "Quantile", p, b, c)
	out := make([]float64, r*c)
	pv, rv := viewOf(p), viewOf(d.Rate)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[i*c+j] = -math.Log1p(-pv.at(i, j)) / rv.at(i, j)
		}
	}
	return ad.Const(r, c, out)
}
