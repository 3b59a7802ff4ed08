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
	return validateDecl("Cauchy", d.Loc, d.Scale)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Cauchy) Shape() (int, int) { return paramShape("Cauchy", d.Loc, d.Scale) }

// Support returns the real line.
func (Cauchy) Support() Support { return Real{} }

// LogProb returns Σ_j (-log(π scale) - log1p(z_ij²)), z = (x - loc)/scale,
// for each row, as one fused node with analytic partials for x, loc and
// scale.
func (d Cauchy) LogProb(x ad.Var) ad.Var {
	return fusedCells("Cauchy", "LogProb", ad.ReduceCols, x, []ad.Var{d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		s := v[2]
		z := (xv - v[1]) / s
		w := 1 / (1 + z*z) // written so that huge z gives 0, not Inf/Inf
		g[0], g[1] = -2*z*w/s, 2*z*w/s
		g[2] = (1 - 2*w) / s // (z² - 1)/((1 + z²) scale)
		return -math.Log1p(z*z) - math.Log(s) - logPi
	})
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
	return constLike(b, c, math.NaN())
}

// Variance returns +Inf (B x C, a free constant), as torch does.
func (d Cauchy) Variance() ad.Var {
	b, c := d.Shape()
	return constLike(b, c, math.Inf(1))
}

// Entropy returns Σ_j log(4π scale_j) for each batch row.
func (d Cauchy) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Shift(ad.Log(d.Scale), log4Pi), b, c)
}

// CDF returns 1/2 + atan(z)/π, z = (x - loc)/scale, element-wise,
// evaluated as atan2(1, -z)/π so that the left tail keeps its relative
// accuracy.
func (d Cauchy) CDF(x ad.Var) ad.Var {
	return fusedCells("Cauchy", "CDF", ad.Elementwise, x, []ad.Var{d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		s := v[2]
		z := (xv - v[1]) / s
		pdf := 1 / (math.Pi * s * (1 + z*z))
		g[0], g[1], g[2] = pdf, -pdf, -pdf*z
		return math.Atan2(1, -z) / math.Pi
	})
}

// Quantile returns loc + scale tan(π(p - 1/2)) element-wise for
// probabilities p (a free constant; no gradient). In the tails it uses
// tan(π(p - 1/2)) = -1/tan(πp) = 1/tan(π(1-p)), whose arguments stay
// exact, where π(p - 1/2) would land within rounding of the pole.
func (d Cauchy) Quantile(p ad.Var) ad.Var {
	lv, sv := viewOf(d.Loc), viewOf(d.Scale)
	return pointwise("Cauchy", "Quantile", p, []ad.Var{d.Loc, d.Scale}, func(i, j int, pv float64) float64 {
		return lv.at(i, j) + sv.at(i, j)*cauchyStdQuantile(pv)
	})
}

// cauchyStdQuantile returns tan(π(p - 1/2)), the standard Cauchy
// quantile, accurate in both tails.
func cauchyStdQuantile(p float64) float64 {
	switch {
	case p < 0.25:
		return -1 / math.Tan(math.Pi*p)
	case p > 0.75:
		return 1 / math.Tan(math.Pi*(1-p))
	}
	return math.Tan(math.Pi * (p - 0.5))
}
