package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/reparam"
)

// Cauchy is the Cauchy (Lorentz) distribution with location Loc and scale
// Scale, density 1/(π scale (1 + z²)) with z = (x - loc)/scale, applied
// independently to each column. Loc and Scale broadcast: B x C, 1 x C,
// B x 1 or 1 x 1. Its mean does not exist and its variance is infinite.
type Cauchy struct{ Loc, Scale ad.Var }

// NewCauchy returns Cauchy(loc, scale) with scalar parameters, or an error
// if loc is not finite or scale is not positive.
func NewCauchy(loc, scale float64) (Cauchy, error) {
	return CauchyOf(scalar(loc), scalar(scale))
}

// CauchyOf returns Cauchy(loc, scale) with parameters given as ad values
// (differentiable when recorded on a tape), or an error naming the first
// invalid parameter.
func CauchyOf(loc, scale ad.Var) (Cauchy, error) {
	d := Cauchy{Loc: loc, Scale: scale}
	return d, d.Validate()
}

// Validate checks that Loc is finite, Scale is positive and their shapes
// broadcast.
func (d Cauchy) Validate() error {
	return firstErr(
		checkShapes("Cauchy", []string{"loc", "scale"}, d.Loc, d.Scale),
		checkReal("Cauchy", "loc", d.Loc),
		checkPositive("Cauchy", "scale", d.Scale),
	)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Cauchy) Shape() (int, int) { return paramShape("Cauchy", d.Loc, d.Scale) }

// Support returns the real line.
func (Cauchy) Support() Support { return Real{} }

// LogProb returns Σ_j (-log(π scale) - log1p(z_ij²)), z = (x - loc)/scale,
// for each row, as one fused node with analytic partials for x, loc and
// scale.
func (d Cauchy) LogProb(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("Cauchy", "LogProb", x, b, c)
	f := ad.NewFused(r, c, ad.ReduceCols, x, d.Loc, d.Scale)
	out, px, pl, ps := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	xv, lv, sv := viewOf(x), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		var acc float64
		xo, lo, so := xv.row(i), lv.row(i), sv.row(i)
		for j := 0; j < c; j++ {
			s := sv.v[so+j*sv.cs]
			z := (xv.v[xo+j*xv.cs] - lv.v[lo+j*lv.cs]) / s
			acc += -math.Log1p(z*z) - math.Log(s) - logPiLoc
			k := i*c + j
			w := 1 / (1 + z*z) // written so that huge z gives 0, not Inf/Inf
			if px != nil {
				px[k] = -2 * z * w / s
			}
			if pl != nil {
				pl[k] = 2 * z * w / s
			}
			if ps != nil {
				ps[k] = (1 - 2*w) / s // (z² - 1)/((1 + z²) scale)
			}
		}
		out[i] = acc
	}
	return f.Var()
}

// Sample draws n values per batch row as a free constant.
func (d Cauchy) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Cauchy(rng, detach(d.Loc), detach(d.Scale), n)
}

// Rsample draws n values per batch row as loc + scale*ε with standard
// Cauchy ε, differentiable with respect to loc and scale.
func (d Cauchy) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Cauchy(rng, d.Loc, d.Scale, n)
}

// Mean returns NaN (B x C, a free constant): the Cauchy mean does not
// exist. torch.distributions.Cauchy returns NaN as well.
func (d Cauchy) Mean() ad.Var {
	b, c := d.Shape()
	return constLikeLoc(b, c, math.NaN())
}

// Variance returns +Inf (B x C, a free constant), as torch does.
func (d Cauchy) Variance() ad.Var {
	b, c := d.Shape()
	return constLikeLoc(b, c, math.Inf(1))
}

// Entropy returns Σ_j log(4π scale_j) for each batch row.
func (d Cauchy) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Shift(ad.Log(d.Scale), log4PiLoc), b, c)
}

// CDF returns 1/2 + atan(z)/π, z = (x - loc)/scale, element-wise,
// evaluated as atan2(1, -z)/π so that the left tail keeps its relative
// accuracy.
func (d Cauchy) CDF(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("Cauchy", "CDF", x, b, c)
	f := ad.NewFused(r, c, ad.Elementwise, x, d.Loc, d.Scale)
	out, px, pl, ps := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	xv, lv, sv := viewOf(x), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			s := sv.at(i, j)
			z := (xv.at(i, j) - lv.at(i, j)) / s
			k := i*c + j
			out[k] = math.Atan2(1, -z) / math.Pi
			pdf := 1 / (math.Pi * s * (1 + z*z))
			if px != nil {
				px[k] = pdf
			}
			if pl != nil {
				pl[k] = -pdf
			}
			if ps != nil {
				ps[k] = -pdf * z
			}
		}
	}
	return f.Var()
}

// Quantile returns loc + scale tan(π(p - 1/2)) element-wise for
// probabilities p (a free constant; no gradient). In the tails it uses
// tan(π(p - 1/2)) = -1/tan(πp) = 1/tan(π(1-p)), whose arguments stay
// exact, where π(p - 1/2) would land within rounding of the pole.
func (d Cauchy) Quantile(p ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("Cauchy", "Quantile", p, b, c)
	out := make([]float64, r*c)
	pv, lv, sv := viewOf(p), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[i*c+j] = lv.at(i, j) + sv.at(i, j)*cauchyStdQuantileLoc(pv.at(i, j))
		}
	}
	return ad.Const(r, c, out)
}

// cauchyStdQuantileLoc returns tan(π(p - 1/2)), the standard Cauchy
// quantile, accurate in both tails.
func cauchyStdQuantileLoc(p float64) float64 {
	switch {
	case p < 0.25:
		return -1 / math.Tan(math.Pi*p)
	case p > 0.75:
		return 1 / math.Tan(math.Pi*(1-p))
	}
	return math.Tan(math.Pi * (p - 0.5))
}
