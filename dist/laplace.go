package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/reparam"
)

// Laplace is the Laplace (double exponential) distribution with location
// Loc and scale Scale, density exp(-|x - loc|/scale)/(2 scale), applied
// independently to each column. Loc and Scale broadcast: B x C, 1 x C,
// B x 1 or 1 x 1.
type Laplace struct{ Loc, Scale ad.Var }

// NewLaplace returns Laplace(loc, scale) with scalar parameters, or an
// error if loc is not finite or scale is not positive.
func NewLaplace(loc, scale float64) (Laplace, error) {
	return LaplaceOf(scalar(loc), scalar(scale))
}

// LaplaceOf returns Laplace(loc, scale) with parameters given as ad values
// (differentiable when recorded on a tape), or an error naming the first
// invalid parameter.
func LaplaceOf(loc, scale ad.Var) (Laplace, error) {
	d := Laplace{Loc: loc, Scale: scale}
	return d, d.Validate()
}

// Validate checks that Loc is finite, Scale is positive and their shapes
// broadcast.
func (d Laplace) Validate() error {
	return validateDecl("Laplace", d.Loc, d.Scale)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Laplace) Shape() (int, int) { return paramShape("Laplace", d.Loc, d.Scale) }

// Support returns the real line.
func (Laplace) Support() Support { return Real{} }

// LogProb returns Σ_j (-log(2 scale) - |x_ij - loc|/scale) for each row,
// as one fused node with analytic partials for x, loc and scale. At
// x = loc, where the density has a kink, the partials for x and loc are 0
// (the mid-point of the subgradient).
func (d Laplace) LogProb(x ad.Var) ad.Var {
	return fusedCells("Laplace", "LogProb", ad.ReduceCols, x, []ad.Var{d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		s := v[2]
		z := (xv - v[1]) / s
		az, sg := math.Abs(z), signum(z)
		g[0], g[1], g[2] = -sg/s, sg/s, (az-1)/s
		return -az - math.Log(2*s)
	})
}

// Sample draws n values per batch row as a free constant.
func (d Laplace) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Laplace(rng, detach(d.Loc), detach(d.Scale), n)
}

// Rsample draws n values per batch row as loc + scale*ε with standard
// Laplace ε, differentiable with respect to loc and scale.
func (d Laplace) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Laplace(rng, d.Loc, d.Scale, n)
}

// Mean returns Loc broadcast to B x C.
func (d Laplace) Mean() ad.Var {
	b, c := d.Shape()
	return expand(d.Loc, b, c)
}

// Variance returns 2 Scale² broadcast to B x C.
func (d Laplace) Variance() ad.Var {
	b, c := d.Shape()
	return expand(ad.Scale(ad.Square(d.Scale), 2), b, c)
}

// Entropy returns Σ_j (1 + log(2 scale_j)) for each batch row.
func (d Laplace) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Shift(ad.Log(d.Scale), 1+math.Ln2), b, c)
}

// CDF returns P(X <= x) element-wise: e^z/2 for z = (x - loc)/scale < 0
// and 1 - e^{-z}/2 otherwise, so the left tail keeps its relative
// accuracy.
func (d Laplace) CDF(x ad.Var) ad.Var {
	return fusedCells("Laplace", "CDF", ad.Elementwise, x, []ad.Var{d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		s := v[2]
		z := (xv - v[1]) / s
		h := 0.5 * math.Exp(-math.Abs(z))
		pdf := h / s
		g[0], g[1], g[2] = pdf, -pdf, -pdf*z
		if z < 0 {
			return h
		}
		return 1 - h
	})
}

// Quantile returns the inverse CDF element-wise for probabilities p (a
// free constant; no gradient): loc + scale log(2p) for p < 1/2 and
// loc - scale log(2(1-p)) otherwise.
func (d Laplace) Quantile(p ad.Var) ad.Var {
	lv, sv := viewOf(d.Loc), viewOf(d.Scale)
	return pointwise("Laplace", "Quantile", p, []ad.Var{d.Loc, d.Scale}, func(i, j int, q float64) float64 {
		if q < 0.5 {
			return lv.at(i, j) + sv.at(i, j)*math.Log(2*q)
		}
		return lv.at(i, j) - sv.at(i, j)*math.Log(2*(1-q))
	})
}
