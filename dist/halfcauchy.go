package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/reparam"
)

// HalfCauchy is the half-Cauchy distribution with scale Scale: |Y| for Y
// Cauchy(0, scale), density 2/(π scale (1 + (x/scale)²)) for x >= 0,
// applied independently to each column. Scale is B x C, 1 x C, B x 1 or
// 1 x 1. Its mean and variance are infinite.
type HalfCauchy struct{ Scale ad.Var }

// NewHalfCauchy returns HalfCauchy(scale) with a scalar parameter, or an
// error if scale is not positive.
func NewHalfCauchy(scale float64) (HalfCauchy, error) {
	return HalfCauchyOf(scalar(scale))
}

// HalfCauchyOf returns HalfCauchy(scale) with the parameter given as an ad
// value (differentiable when recorded on a tape), or an error if it is
// invalid.
func HalfCauchyOf(scale ad.Var) (HalfCauchy, error) {
	d := HalfCauchy{Scale: scale}
	return d, d.Validate()
}

// Validate checks that Scale is positive.
func (d HalfCauchy) Validate() error {
	return validateDecl("HalfCauchy", d.Scale)
}

// Shape returns the batch size and event width of Scale.
func (d HalfCauchy) Shape() (int, int) { return paramShape("HalfCauchy", d.Scale) }

// Support returns (0, ∞). The density is also defined at x = 0.
func (HalfCauchy) Support() Support { return Positive() }

// LogProb returns Σ_j (log(2/π) - log scale - log1p(z_ij²)), z = x/scale,
// for each row (-Inf where x < 0), as one fused node with analytic
// partials for x and scale.
func (d HalfCauchy) LogProb(x ad.Var) ad.Var {
	return fusedCells("HalfCauchy", "LogProb", ad.ReduceCols, x, []ad.Var{d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if xv < 0 {
			return math.Inf(-1)
		}
		s := v[1]
		z := xv / s
		w := 1 / (1 + z*z)
		g[0], g[1] = -2*z*w/s, (1-2*w)/s
		return -math.Log1p(z*z) - math.Log(s) + math.Ln2 - logPi
	})
}

// Sample draws n values per batch row as a free constant.
func (d HalfCauchy) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.HalfCauchy(rng, detach(d.Scale), n)
}

// Rsample draws n values per batch row as scale |ε| with standard Cauchy
// ε, differentiable with respect to scale.
func (d HalfCauchy) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.HalfCauchy(rng, d.Scale, n)
}

// Mean returns +Inf (B x C, a free constant), as torch does.
func (d HalfCauchy) Mean() ad.Var {
	b, c := d.Shape()
	return constLike(b, c, math.Inf(1))
}

// Variance returns +Inf (B x C, a free constant), as torch does.
func (d HalfCauchy) Variance() ad.Var {
	b, c := d.Shape()
	return constLike(b, c, math.Inf(1))
}

// Entropy returns Σ_j log(2π scale_j) for each batch row.
func (d HalfCauchy) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Shift(ad.Log(d.Scale), log2Pi), b, c)
}

// CDF returns (2/π) atan(x/scale) element-wise (0 where x < 0).
func (d HalfCauchy) CDF(x ad.Var) ad.Var {
	return fusedCells("HalfCauchy", "CDF", ad.Elementwise, x, []ad.Var{d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if xv < 0 {
			return 0
		}
		s := v[1]
		z := xv / s
		pdf := 2 / (math.Pi * s * (1 + z*z))
		g[0], g[1] = pdf, -pdf*z
		return 2 / math.Pi * math.Atan(z)
	})
}

// Quantile returns scale tan(πp/2) element-wise for probabilities p (a
// free constant; no gradient), as scale/tan(π(1-p)/2) for p > 1/2, where
// πp/2 would land within rounding of the pole.
func (d HalfCauchy) Quantile(p ad.Var) ad.Var {
	sv := viewOf(d.Scale)
	return pointwise("HalfCauchy", "Quantile", p, []ad.Var{d.Scale}, func(i, j int, q float64) float64 {
		if q > 0.5 {
			return sv.at(i, j) / math.Tan(math.Pi/2*(1-q))
		}
		return sv.at(i, j) * math.Tan(math.Pi/2*q)
	})
}
