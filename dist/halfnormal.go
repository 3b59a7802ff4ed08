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
	return firstErr(
		checkShapes("HalfNormal", []string{"scale"}, d.Scale),
		checkPositive("HalfNormal", "scale", d.Scale),
	)
}

// Shape returns the batch size and event width of Scale.
func (d HalfNormal) Shape() (int, int) { return paramShape("HalfNormal", d.Scale) }

// Support returns (0, ∞). The density is also defined at x = 0.
func (HalfNormal) Support() Support { return Positive() }

// LogProb returns Σ_j (½ log(2/π) - log scale - z_ij²/2), z = x/scale, for
// each row (-Inf where x < 0), as one fused node with analytic partials
// for x and scale.
func (d HalfNormal) LogProb(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("HalfNormal", "LogProb", x, b, c)
	f := ad.NewFused(r, c, ad.ReduceCols, x, d.Scale)
	out, px, ps := f.Out(), f.Partial(0), f.Partial(1)
	xv, sv := viewOf(x), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		var acc float64
		xo, so := xv.row(i), sv.row(i)
		for j := 0; j < c; j++ {
			xx := xv.v[xo+j*xv.cs]
			if xx < 0 {
				acc = math.Inf(-1)
				continue
			}
			s := sv.v[so+j*sv.cs]
			z := xx / s
			acc += -0.5*z*z - math.Log(s) - halfLogHalfPiLoc
			k := i*c + j
			if px != nil {
				px[k] = -z / s
			}
			if ps != nil {
				ps[k] = (z*z - 1) / s
			}
		}
		out[i] = acc
	}
	return f.Var()
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
	return expand(ad.Scale(d.Scale, sqrt2OverPiLoc), b, c)
}

// Variance returns scale² (1 - 2/π) broadcast to B x C.
func (d HalfNormal) Variance() ad.Var {
	b, c := d.Shape()
	return expand(ad.Scale(ad.Square(d.Scale), 1-2/math.Pi), b, c)
}

// Entropy returns Σ_j (½ log(π/2) + 1/2 + log scale_j) for each batch row.
func (d HalfNormal) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Shift(ad.Log(d.Scale), halfLogHalfPiLoc+0.5), b, c)
}

// CDF returns erf(x/(scale √2)) element-wise (0 where x < 0).
func (d HalfNormal) CDF(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("HalfNormal", "CDF", x, b, c)
	f := ad.NewFused(r, c, ad.Elementwise, x, d.Scale)
	out, px, ps := f.Out(), f.Partial(0), f.Partial(1)
	xv, sv := viewOf(x), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			xx := xv.at(i, j)
			k := i*c + j
			if xx < 0 {
				out[k] = 0
				continue
			}
			s := sv.at(i, j)
			z := xx / s
			out[k] = math.Erf(z / math.Sqrt2)
			pdf := sqrt2OverPiLoc * math.Exp(-0.5*z*z) / s
			if px != nil {
				px[k] = pdf
			}
			if ps != nil {
				ps[k] = -pdf * z
			}
		}
	}
	return f.Var()
}

// Quantile returns scale √2 erf⁻¹(p) element-wise for probabilities p (a
// free constant; no gradient), as -scale Φ⁻¹((1-p)/2) for p > 1/2, where
// erf⁻¹ would lose the digits of 1 - p.
func (d HalfNormal) Quantile(p ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("HalfNormal", "Quantile", p, b, c)
	out := make([]float64, r*c)
	pv, sv := viewOf(p), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			q := pv.at(i, j)
			if q > 0.5 {
				out[i*c+j] = -sv.at(i, j) * stdNormalQuantile((1-q)/2)
			} else {
				out[i*c+j] = sv.at(i, j) * math.Sqrt2 * math.Erfinv(q)
			}
		}
	}
	return ad.Const(r, c, out)
}
