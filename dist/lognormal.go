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
	return validateDecl("LogNormal", d.Loc, d.Scale)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d LogNormal) Shape() (int, int) { return paramShape("LogNormal", d.Loc, d.Scale) }

// Support returns (0, ∞).
func (LogNormal) Support() Support { return Positive() }

// LogProb returns Σ_j (-log x_ij - log scale - log √(2π) - z_ij²/2),
// z = (log x - loc)/scale, for each row (-Inf where x <= 0), as one fused
// node with analytic partials for x, loc and scale.
func (d LogNormal) LogProb(x ad.Var) ad.Var {
	return fusedCells("LogNormal", "LogProb", ad.ReduceCols, x, []ad.Var{d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if !(xv > 0) {
			return math.Inf(-1)
		}
		s := v[2]
		lx := math.Log(xv)
		z := (lx - v[1]) / s
		g[0], g[1], g[2] = -(1+z/s)/xv, z/s, (z*z-1)/s
		return -0.5*z*z - lx - math.Log(s) - logSqrt2Pi
	})
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
	return fusedCells("LogNormal", "CDF", ad.Elementwise, x, []ad.Var{d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if !(xv > 0) {
			return 0
		}
		s := v[2]
		z := (math.Log(xv) - v[1]) / s
		phi := math.Exp(-0.5*z*z-logSqrt2Pi) / s // density of log x
		g[0], g[1], g[2] = phi/xv, -phi, -phi*z
		return 0.5 * math.Erfc(-z/math.Sqrt2)
	})
}

// Quantile returns exp(loc + scale Φ⁻¹(p)) element-wise for probabilities
// p (a free constant; no gradient).
func (d LogNormal) Quantile(p ad.Var) ad.Var {
	lv, sv := viewOf(d.Loc), viewOf(d.Scale)
	return pointwise("LogNormal", "Quantile", p, []ad.Var{d.Loc, d.Scale}, func(i, j int, pv float64) float64 {
		return math.Exp(lv.at(i, j) + sv.at(i, j)*stdNormalQuantile(pv))
	})
}
