package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/kernel"
	"github.com/kldiv/kldiv/internal/par"
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
// node with analytic partials for x, loc and scale. The loop is written
// out for Normal (normalLogProbRows) instead of going through fusedCells'
// per-cell closure: log(scale) once per row when the scale is one value
// per row, else through the vector kernel.Log over the row.
func (d Normal) LogProb(x ad.Var) ad.Var {
	b, c := paramShape("Normal", d.Loc, d.Scale)
	r, c := grid("Normal", "LogProb", x, b, c)
	f := ad.NewFused(r, c, ad.ReduceCols, x, d.Loc, d.Scale)
	out := f.Out()
	vx, vm, vs := viewOf(x), viewOf(d.Loc), viewOf(d.Scale)
	gx, gm, gs := f.Partial(0), f.Partial(1), f.Partial(2)
	par.For(r, (1<<13)/c+1, func(lo, hi int) {
		normalLogProbRows(out, gx, gm, gs, vx, vm, vs, c, lo, hi)
	})
	return f.Var()
}

// normalLogProbRows computes rows lo..hi-1 of Normal.LogProb on the
// broadcast grid of c columns: the row sums into out and the partials
// -z/s, z/s and (z² - 1)/s into the slices that are not nil.
func normalLogProbRows(out, gx, gm, gs []float64, vx, vm, vs view, c, lo, hi int) {
	var lbuf [512]float64
	for i := lo; i < hi; i++ {
		bx, bm, bs := vx.row(i), vm.row(i), vs.row(i)
		var acc float64
		for j0 := 0; j0 < c; j0 += len(lbuf) {
			j1 := min(j0+len(lbuf), c)
			var ls []float64 // log(scale) at the columns, nil if one per row
			var l float64
			if vs.cs == 0 {
				l = math.Log(vs.v[bs])
			} else {
				ls = kernel.Log(lbuf[:j1-j0], vs.v[bs+j0:bs+j1])
			}
			for j := j0; j < j1; j++ {
				s := vs.v[bs+j*vs.cs]
				z := (vx.v[bx+j*vx.cs] - vm.v[bm+j*vm.cs]) / s
				lv := l
				if ls != nil {
					lv = ls[j-j0]
				}
				acc += -0.5*z*z - lv - logSqrt2Pi
				if k := i*c + j; gx != nil || gm != nil || gs != nil {
					if gx != nil {
						gx[k] = -z / s
					}
					if gm != nil {
						gm[k] = z / s
					}
					if gs != nil {
						gs[k] = (z*z - 1) / s
					}
				}
			}
		}
		out[i] = acc
	}
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
