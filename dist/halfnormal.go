package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/reparam"
)

// HalfNormal is the half-normal distribution with scale Scale: |Y| for Y
// normal with mean 0 and standard deviation scale, density
// √(2/π)/scale · exp(-x²/(2 scale²)) for x >= 0, applied independently to
// each column. Scale is B x C, 1 x C, B x 1 or 1 x 1.
type HalfNormal struct{ Scale ad.Var }

// NewHalfNormal returns HalfNormal(scale) with a scalar parameter, or an
// error if scale is not positive.
func NewHalfNormal(scale float64) (HalfNormal, error) {
	return HalfNormalOf(scalar(scale))
}

// HalfNormalOf returns HalfNormal(scale) with the parameter given as an ad
// value (differentiable when recorded on a tape), or an error if it is
// invalid.
func HalfNormalOf(scale ad.Var) (HalfNormal, error) {
	d := HalfNormal{Scale: scale}
	return d, d.Validate()
}

// Validate checks that Scale is positive.
func (d HalfNormal) Validate() error {
	return validateDecl("HalfNormal", d.Scale)
}

// Shape returns the batch size and event width of Scale.
func (d HalfNormal) Shape() (int, int) { return paramShape("HalfNormal", d.Scale) }

// Support returns (0, ∞). The density is also defined at x = 0.
func (HalfNormal) Support() Support { return Positive() }

// LogProb returns Σ_j (½ log(2/π) - log scale - z_ij²/2), z = x/scale, for
// each row (-Inf where x < 0), as one fused node with analytic partials
// for x and scale.
func (d HalfNormal) LogProb(x ad.Var) ad.Var {
	return fusedCells("HalfNormal", "LogProb", ad.ReduceCols, x, []ad.Var{d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if xv < 0 {
			return math.Inf(-1)
		}
		s := v[1]
		z := xv / s
		g[0], g[1] = -z/s, (z*z-1)/s
		return -0.5*z*z - math.Log(s) - halfLogHalfPi
	})
}

// Sample draws n values per batch row as a free constant.
func (d HalfNormal) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.HalfNormal(rng, detach(d.Scale), n)
}

// Rsample draws n values per batch row as scale |ε|, ε ~ N(0, 1),
// differentiable with respect to scale.
func (d HalfNormal) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.HalfNormal(rng, d.Scale, n)
}

// Mean returns scale √(2/π) broadcast to B x C.
func (d HalfNormal) Mean() ad.Var {
	b, c := d.Shape()
	return expand(ad.Scale(d.Scale, sqrt2OverPi), b, c)
}

// Variance returns scale² (1 - 2/π) broadcast to B x C.
func (d HalfNormal) Variance() ad.Var {
	b, c := d.Shape()
	return expand(ad.Scale(ad.Square(d.Scale), 1-2/math.Pi), b, c)
}

// Entropy returns Σ_j (½ log(π/2) + 1/2 + log scale_j) for each batch row.
func (d HalfNormal) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Shift(ad.Log(d.Scale), halfLogHalfPi+0.5), b, c)
}

// CDF returns erf(x/(scale √2)) element-wise (0 where x < 0).
func (d HalfNormal) CDF(x ad.Var) ad.Var {
	return fusedCells("HalfNormal", "CDF", ad.Elementwise, x, []ad.Var{d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if xv < 0 {
			return 0
		}
		s := v[1]
		z := xv / s
		pdf := sqrt2OverPi * math.Exp(-0.5*z*z) / s
		g[0], g[1] = pdf, -pdf*z
		return math.Erf(z / math.Sqrt2)
	})
}

// Quantile returns scale √2 erf⁻¹(p) element-wise for probabilities p (a
// free constant; no gradient), as -scale Φ⁻¹((1-p)/2) for p > 1/2, where
// erf⁻¹ would lose the digits of 1 - p.
func (d HalfNormal) Quantile(p ad.Var) ad.Var {
	sv := viewOf(d.Scale)
	return pointwise("HalfNormal", "Quantile", p, []ad.Var{d.Scale}, func(i, j int, q float64) float64 {
		if q > 0.5 {
			return -sv.at(i, j) * stdNormalQuantile((1-q)/2)
		}
		return sv.at(i, j) * math.Sqrt2 * math.Erfinv(q)
	})
}
