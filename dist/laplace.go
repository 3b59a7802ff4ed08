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
	return firstErr(
		checkShapes("Laplace", []string{"loc", "scale"}, d.Loc, d.Scale),
		checkReal("Laplace", "loc", d.Loc),
		checkPositive("Laplace", "scale", d.Scale),
	)
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
	b, c := d.Shape()
	r, c := grid("Laplace", "LogProb", x, b, c)
	f := ad.NewFused(r, c, ad.ReduceCols, x, d.Loc, d.Scale)
	out, px, pl, ps := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	xv, lv, sv := viewOf(x), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		var acc float64
		xo, lo, so := xv.row(i), lv.row(i), sv.row(i)
		for j := 0; j < c; j++ {
			s := sv.v[so+j*sv.cs]
			z := (xv.v[xo+j*xv.cs] - lv.v[lo+j*lv.cs]) / s
			az := math.Abs(z)
			acc += -az - math.Log(2*s)
			k := i*c + j
			sg := signLoc(z)
			if px != nil {
				px[k] = -sg / s
			}
			if pl != nil {
				pl[k] = sg / s
			}
			if ps != nil {
				ps[k] = (az - 1) / s
			}
		}
		out[i] = acc
	}
	return f.Var()
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
	b, c := d.Shape()
	r, c := grid("Laplace", "CDF", x, b, c)
	f := ad.NewFused(r, c, ad.Elementwise, x, d.Loc, d.Scale)
	out, px, pl, ps := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	xv, lv, sv := viewOf(x), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			s := sv.at(i, j)
			z := (xv.at(i, j) - lv.at(i, j)) / s
			k := i*c + j
			h := 0.5 * math.Exp(-math.Abs(z))
			if z < 0 {
				out[k] = h
			} else {
				out[k] = 1 - h
			}
			pdf := h / s
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

// Quantile returns the inverse CDF element-wise for probabilities p (a
// free constant; no gradient): loc + scale log(2p) for p < 1/2 and
// loc - scale log(2(1-p)) otherwise.
func (d Laplace) Quantile(p ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("Laplace", "Quantile", p, b, c)
	out := make([]float64, r*c)
	pv, lv, sv := viewOf(p), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			q := pv.at(i, j)
			if q < 0.5 {
				out[i*c+j] = lv.at(i, j) + sv.at(i, j)*math.Log(2*q)
			} else {
				out[i*c+j] = lv.at(i, j) - sv.at(i, j)*math.Log(2*(1-q))
			}
		}
	}
	return ad.Const(r, c, out)
}
