package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/reparam"
)

// Gumbel is the Gumbel (type I extreme value, maximum) distribution with
// location Loc and scale Scale: with z = (x - loc)/scale the density is
// exp(-z - e^{-z})/scale and the CDF exp(-e^{-z}). It applies
// independently to each column; Loc and Scale broadcast: B x C, 1 x C,
// B x 1 or 1 x 1.
type Gumbel struct{ Loc, Scale ad.Var }

// NewGumbel returns Gumbel(loc, scale) with scalar parameters, or an error
// if loc is not finite or scale is not positive.
func NewGumbel(loc, scale float64) (Gumbel, error) {
	return GumbelOf(scalar(loc), scalar(scale))
}

// GumbelOf returns Gumbel(loc, scale) with parameters given as ad values
// (differentiable when recorded on a tape), or an error naming the first
// invalid parameter.
func GumbelOf(loc, scale ad.Var) (Gumbel, error) {
	d := Gumbel{Loc: loc, Scale: scale}
	return d, d.Validate()
}

// Validate checks that Loc is finite, Scale is positive and their shapes
// broadcast.
func (d Gumbel) Validate() error {
	return validateDecl("Gumbel", d.Loc, d.Scale)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Gumbel) Shape() (int, int) { return paramShape("Gumbel", d.Loc, d.Scale) }

// Support returns the real line.
func (Gumbel) Support() Support { return Real{} }

// LogProb returns Σ_j (-log scale - z_ij - e^{-z_ij}), z = (x - loc)/scale,
// for each row, as one fused node with analytic partials for x, loc and
// scale.
func (d Gumbel) LogProb(x ad.Var) ad.Var {
	return fusedCells("Gumbel", "LogProb", ad.ReduceCols, x, []ad.Var{d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		s := v[2]
		z := (xv - v[1]) / s
		e := math.Exp(-z)
		h := -math.Expm1(-z) / s // (1 - e^{-z})/scale
		g[0], g[1], g[2] = -h, h, z*h-1/s
		return -z - e - math.Log(s)
	})
}

// Sample draws n values per batch row as a free constant.
func (d Gumbel) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Gumbel(rng, detach(d.Loc), detach(d.Scale), n)
}

// Rsample draws n values per batch row as loc + scale*ε with standard
// Gumbel ε, differentiable with respect to loc and scale.
func (d Gumbel) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Gumbel(rng, d.Loc, d.Scale, n)
}

// Mean returns loc + γ scale (γ the Euler–Mascheroni constant) broadcast
// to B x C.
func (d Gumbel) Mean() ad.Var {
	b, c := d.Shape()
	return expand(ad.Add(d.Loc, ad.Scale(d.Scale, eulerGamma)), b, c)
}

// Variance returns π² scale²/6 broadcast to B x C.
func (d Gumbel) Variance() ad.Var {
	b, c := d.Shape()
	return expand(ad.Scale(ad.Square(d.Scale), math.Pi*math.Pi/6), b, c)
}

// Entropy returns Σ_j (log scale_j + γ + 1) for each batch row.
func (d Gumbel) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Shift(ad.Log(d.Scale), eulerGamma+1), b, c)
}

// CDF returns exp(-e^{-z}), z = (x - loc)/scale, element-wise.
func (d Gumbel) CDF(x ad.Var) ad.Var {
	return fusedCells("Gumbel", "CDF", ad.Elementwise, x, []ad.Var{d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		s := v[2]
		z := (xv - v[1]) / s
		e := math.Exp(-z)
		cdf := math.Exp(-e)
		pdf := 0.0
		if cdf > 0 {
			pdf = cdf * e / s // 0 where e overflows and cdf underflows
		}
		g[0], g[1], g[2] = pdf, -pdf, -pdf*z
		return cdf
	})
}

// Quantile returns loc - scale log(-log p) element-wise for probabilities
// p (a free constant; no gradient).
func (d Gumbel) Quantile(p ad.Var) ad.Var {
	lv, sv := viewOf(d.Loc), viewOf(d.Scale)
	return pointwise("Gumbel", "Quantile", p, []ad.Var{d.Loc, d.Scale}, func(i, j int, pv float64) float64 {
		return lv.at(i, j) - sv.at(i, j)*math.Log(-math.Log(pv))
	})
}
