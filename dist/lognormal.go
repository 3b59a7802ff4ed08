package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/reparam"
)

// LogNormal is the log-normal distribution: exp(Y) for Y normal with mean
// Loc and standard deviation Scale (the parameters of the underlying
// normal, as in torch), applied independently to each column. Loc and
// Scale broadcast: B x C, 1 x C, B x 1 or 1 x 1.
type LogNormal struct{ Loc, Scale ad.Var }

// NewLogNormal returns LogNormal(loc, scale) with scalar parameters, or an
// error if loc is not finite or scale is not positive.
func NewLogNormal(loc, scale float64) (LogNormal, error) {
	return LogNormalOf(scalar(loc), scalar(scale))
}

// LogNormalOf returns LogNormal(loc, scale) with parameters given as ad
// values (differentiable when recorded on a tape), or an error naming the
// first invalid parameter.
func LogNormalOf(loc, scale ad.Var) (LogNormal, error) {
	d := LogNormal{Loc: loc, Scale: scale}
	return d, d.Validate()
}

// Validate checks that Loc is finite, Scale is positive and their shapes
// broadcast.
func (d LogNormal) Validate() error {
	return firstErr(
		checkShapes("LogNormal", []string{"loc", "scale"}, d.Loc, d.Scale),
		checkReal("LogNormal", "loc", d.Loc),
		checkPositive("LogNormal", "scale", d.Scale),
	)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d LogNormal) Shape() (int, int) { return paramShape("LogNormal", d.Loc, d.Scale) }

// Support returns (0, ∞).
func (LogNormal) Support() Support { return Positive() }

// LogProb returns Σ_j (-log x_ij - log scale - log √(2π) - z_ij²/2),
// z = (log x - loc)/scale, for each row (-Inf where x <= 0), as one fused
// node with analytic partials for x, loc and scale.
func (d LogNormal) LogProb(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("LogNormal", "LogProb", x, b, c)
	f := ad.NewFused(r, c, ad.ReduceCols, x, d.Loc, d.Scale)
	out, px, pl, ps := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	xv, lv, sv := viewOf(x), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		var acc float64
		xo, lo, so := xv.row(i), lv.row(i), sv.row(i)
		for j := 0; j < c; j++ {
			xx := xv.v[xo+j*xv.cs]
			if !(xx > 0) {
				acc = math.Inf(-1)
				continue
			}
			s := sv.v[so+j*sv.cs]
			lx := math.Log(xx)
			z := (lx - lv.v[lo+j*lv.cs]) / s
			acc += -0.5*z*z - lx - math.Log(s) - logSqrt2Pi
			k := i*c + j
			if px != nil {
				px[k] = -(1 + z/s) / xx
			}
			if pl != nil {
				pl[k] = z / s
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
func (d LogNormal) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.LogNormal(rng, detach(d.Loc), detach(d.Scale), n)
}

// Rsample draws n values per batch row as exp(loc + scale*ε),
// differentiable with respect to loc and scale.
func (d LogNormal) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.LogNormal(rng, d.Loc, d.Scale, n)
}

// Mean returns exp(loc + scale²/2) broadcast to B x C.
func (d LogNormal) Mean() ad.Var {
	b, c := d.Shape()
	return expand(ad.Exp(ad.Add(d.Loc, ad.Scale(ad.Square(d.Scale), 0.5))), b, c)
}

// Variance returns expm1(scale²) exp(2 loc + scale²) broadcast to B x C
// (expm1 keeps small scales accurate).
func (d LogNormal) Variance() ad.Var {
	b, c := d.Shape()
	s2 := ad.Square(d.Scale)
	return expand(ad.Mul(ad.Expm1(s2), ad.Exp(ad.Add(ad.Scale(d.Loc, 2), s2))), b, c)
}

// Entropy returns Σ_j (loc_j + 1/2 + log √(2π) + log scale_j) for each
// batch row.
func (d LogNormal) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Shift(ad.Add(d.Loc, ad.Log(d.Scale)), 0.5+logSqrt2Pi), b, c)
}

// CDF returns Φ((log x - loc)/scale) element-wise (0 where x <= 0),
// computed with erfc so that both tails keep their relative accuracy.
func (d LogNormal) CDF(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("LogNormal", "CDF", x, b, c)
	f := ad.NewFused(r, c, ad.Elementwise, x, d.Loc, d.Scale)
	out, px, pl, ps := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	xv, lv, sv := viewOf(x), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			xx := xv.at(i, j)
			k := i*c + j
			if !(xx > 0) {
				out[k] = 0
				continue
			}
			s := sv.at(i, j)
			z := (math.Log(xx) - lv.at(i, j)) / s
			out[k] = 0.5 * math.Erfc(-z/math.Sqrt2)
			phi := math.Exp(-0.5*z*z-logSqrt2Pi) / s // density of log x
			if px != nil {
				px[k] = phi / xx
			}
			if pl != nil {
				pl[k] = -phi
			}
			if ps != nil {
				ps[k] = -phi * z
			}
		}
	}
	return f.Var()
}

// Quantile returns exp(loc + scale Φ⁻¹(p)) element-wise for probabilities
// p (a free constant; no gradient).
func (d LogNormal) Quantile(p ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("LogNormal", "Quantile", p, b, c)
	out := make([]float64, r*c)
	pv, lv, sv := viewOf(p), viewOf(d.Loc), viewOf(d.Scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[i*c+j] = math.Exp(lv.at(i, j) + sv.at(i, j)*stdNormalQuantile(pv.at(i, j)))
		}
	}
	return ad.Const(r, c, out)
}
