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
	return firstErr(
		checkShapes("Gumbel", []string{"loc", "scale"}, d.Loc, d.Scale),
		checkReal("Gumbel", "loc", d.Loc),
		checkPositive("Gumbel", "scale", d.Scale),
	)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Gumbel) Shape() (int, int) { return paramShape("Gumbel", d.Loc, d.Scale) }

// Support returns the real line.
func (Gumbel) Support() Support { return Real{} }

// LogProb returns Σ_j (-log scale - z_ij - e^{-z_ij}), z = (x - loc)/scale,
// for each row, as one fused node with analytic partials for x, loc and
// scale.
func (d Gumbel) LogProb(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("Gumbel", "LogProb", x, b, c)
	f := ad.NewFused(r, c, ad.ReduceCols, x, d.Loc, d.Scale)
	out, px, pl, ps := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	xv, lv, sv := viewOf(x), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		var acc float64
		xo, lo, so := xv.row(i), lv.row(i), sv.row(i)
		for j := 0; j < c; j++ {
			s := sv.v[so+j*sv.cs]
			z := (xv.v[xo+j*xv.cs] - lv.v[lo+j*lv.cs]) / s
			e := math.Exp(-z)
			acc += -z - e - math.Log(s)
			k := i*c + j
			g := -math.Expm1(-z) / s // (1 - e^{-z})/scale
			if px != nil {
				px[k] = -g
			}
			if pl != nil {
				pl[k] = g
			}
			if ps != nil {
				ps[k] = z*g - 1/s
			}
		}
		out[i] = acc
	}
	return f.Var()
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
	b, c := d.Shape()
	r, c := grid("Gumbel", "CDF", x, b, c)
	f := ad.NewFused(r, c, ad.Elementwise, x, d.Loc, d.Scale)
	out, px, pl, ps := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	xv, lv, sv := viewOf(x), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			s := sv.at(i, j)
			z := (xv.at(i, j) - lv.at(i, j)) / s
			k := i*c + j
			e := math.Exp(-z)
			cdf := math.Exp(-e)
			out[k] = cdf
			pdf := 0.0
			if cdf > 0 {
				pdf = cdf * e / s // 0 where e overflows and cdf underflows
			}
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

// Quantile returns loc - scale log(-log p) element-wise for probabilities
// p (a free constant; no gradient).
func (d Gumbel) Quantile(p ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("Gumbel", "Quantile", p, b, c)
	out := make([]float64, r*c)
	pv, lv, sv := viewOf(p), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[i*c+j] = lv.at(i, j) - sv.at(i, j)*math.Log(-math.Log(pv.at(i, j)))
		}
	}
	return ad.Const(r, c, out)
}
