package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/reparam"
)

// Normal is the normal (Gaussian) distribution with mean Loc and standard
// deviation Scale, applied independently to each column. Loc and Scale
// broadcast: B x C, 1 x C, B x 1 or 1 x 1.
type Normal struct{ Loc, Scale ad.Var }

// NewNormal returns Normal(loc, scale) with scalar parameters, or an error
// if loc is not finite or scale is not positive.
func NewNormal(loc, scale float64) (Normal, error) {
	return NormalOf(scalar(loc), scalar(scale))
}

// NormalOf returns Normal(loc, scale) with parameters given as ad values
// (differentiable when recorded on a tape), or an error naming the first
// invalid parameter.
func NormalOf(loc, scale ad.Var) (Normal, error) {
	d := Normal{Loc: loc, Scale: scale}
	return d, d.Validate()
}

// Validate checks that Loc is finite, Scale is positive and their shapes
// broadcast.
func (d Normal) Validate() error {
	return validateDecl("Normal", d.Loc, d.Scale)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Normal) Shape() (int, int) { return paramShape("Normal", d.Loc, d.Scale) }

// Support returns the real line.
func (Normal) Support() Support { return Real{} }

// LogProb returns Σ_j log N(x_ij | loc, scale) for each row, as one fused
// node with analytic partials for x, loc and scale.
func (d Normal) LogProb(x ad.Var) ad.Var {
	return fusedCells("Normal", "LogProb", ad.ReduceCols, x, []ad.Var{d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		s := v[2]
		z := (xv - v[1]) / s
		g[0], g[1], g[2] = -z/s, z/s, (z*z-1)/s
		return -0.5*z*z - math.Log(s) - logSqrt2Pi
	})
}

// Sample draws n values per batch row as a free constant.
func (d Normal) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Normal(rng, detach(d.Loc), detach(d.Scale), n)
}

// Rsample draws n values per batch row as loc + scale*ε, differentiable
// with respect to loc and scale.
func (d Normal) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Normal(rng, d.Loc, d.Scale, n)
}

// Mean returns Loc broadcast to B x C.
func (d Normal) Mean() ad.Var {
	b, c := d.Shape()
	return expand(d.Loc, b, c)
}

// Variance returns Scale² broadcast to B x C.
func (d Normal) Variance() ad.Var {
	b, c := d.Shape()
	return expand(ad.Square(d.Scale), b, c)
}

// Entropy returns Σ_j (1/2 + log √(2π) + log scale_j) for each batch row.
func (d Normal) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Shift(ad.Log(d.Scale), 0.5+logSqrt2Pi), b, c)
}

// CDF returns Φ((x - loc)/scale) element-wise, computed with erfc so that
// both tails keep their relative accuracy.
func (d Normal) CDF(x ad.Var) ad.Var {
	return fusedCells("Normal", "CDF", ad.Elementwise, x, []ad.Var{d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		s := v[2]
		z := (xv - v[1]) / s
		pdf := math.Exp(-0.5*z*z-logSqrt2Pi) / s
		g[0], g[1], g[2] = pdf, -pdf, -pdf*z
		return 0.5 * math.Erfc(-z/math.Sqrt2)
	})
}

// Quantile returns loc + scale Φ⁻¹(p) element-wise for probabilities p (a
// free constant; no gradient).
func (d Normal) Quantile(p ad.Var) ad.Var {
	lv, sv := viewOf(d.Loc), viewOf(d.Scale)
	return pointwise("Normal", "Quantile", p, []ad.Var{d.Loc, d.Scale}, func(i, j int, pv float64) float64 {
		return lv.at(i, j) + sv.at(i, j)*stdNormalQuantile(pv)
	})
}

// detach returns the value of v as a free constant (no tape, no gradient).
func detach(v ad.Var) ad.Var {
	if v.Tape() == nil {
		return v
	}
	r, c := v.Shape()
	return ad.Const(r, c, v.Value())
}
