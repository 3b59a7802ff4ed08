package reparam

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// The samplers in this file transform standard noise by an inverse CDF or
// another monotone map. Each is one fused node (ad.NewFused with
// ad.Elementwise) holding the draw and its partial derivatives with
// respect to every parameter. Like LocScale, they return n draws per batch
// row of the broadcast parameters as an n*B x C value whose row k*B+b
// draws from parameter row b.

// gridLoc reads a parameter broadcast over a sampler's output grid: element
// (i, j) is v[(i mod rows)*cols + min(j, cols-1)].
type gridLoc struct {
	v    []float64
	r, c int
}

func gridOfLoc(x ad.Var) gridLoc {
	r, c := x.Shape()
	return gridLoc{v: x.Value(), r: r, c: c}
}

func (g gridLoc) at(i, j int) float64 { return g.v[(i%g.r)*g.c+min(j, g.c-1)] }

// Exponential returns n pathwise draws per batch row from
// Exponential(rate) as z = E/rate, E ~ Exp(1), with ∂z/∂rate = -z/rate.
func Exponential(rng *rand.Rand, rate ad.Var, n int) ad.Var {
	eps, r, c := Draw(rng, StdExponential, n, rate)
	f := ad.NewFused(r, c, ad.Elementwise, rate)
	out, pr := f.Out(), f.Partial(0)
	rv := gridOfLoc(rate)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			k := i*c + j
			lam := rv.at(i, j)
			z := eps[k] / lam
			out[k] = z
			if pr != nil {
				pr[k] = -z / lam
			}
		}
	}
	return f.Var()
}

// Weibull returns n pathwise draws per batch row from Weibull(scale,
// concentration) by the inverse CDF: z = scale E^{1/concentration} with
// E ~ Exp(1), so ∂z/∂scale = z/scale and
// ∂z/∂concentration = -z log(E)/concentration².
func Weibull(rng *rand.Rand, scale, concentration ad.Var, n int) ad.Var {
	eps, r, c := Draw(rng, StdExponential, n, scale, concentration)
	f := ad.NewFused(r, c, ad.Elementwise, scale, concentration)
	out, ps, pk := f.Out(), f.Partial(0), f.Partial(1)
	sv, kv := gridOfLoc(scale), gridOfLoc(concentration)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			k := i*c + j
			lam, conc := sv.at(i, j), kv.at(i, j)
			le := math.Log(eps[k])
			u := math.Exp(le / conc)
			z := lam * u
			out[k] = z
			if ps != nil {
				ps[k] = u
			}
			if pk != nil {
				pk[k] = -z * le / (conc * conc)
			}
		}
	}
	return f.Var()
}

// Pareto returns n pathwise draws per batch row from Pareto(scale, alpha)
// by the inverse CDF: z = scale exp(E/alpha) with E ~ Exp(1), so
// ∂z/∂scale = exp(E/alpha) and ∂z/∂alpha = -z E/alpha².
func Pareto(rng *rand.Rand, scale, alpha ad.Var, n int) ad.Var {
	eps, r, c := Draw(rng, StdExponential, n, scale, alpha)
	f := ad.NewFused(r, c, ad.Elementwise, scale, alpha)
	out, ps, pa := f.Out(), f.Partial(0), f.Partial(1)
	sv, av := gridOfLoc(scale), gridOfLoc(alpha)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			k := i*c + j
			xm, a := sv.at(i, j), av.at(i, j)
			u := math.Exp(eps[k] / a)
			z := xm * u
			out[k] = z
			if ps != nil {
				ps[k] = u
			}
			if pa != nil {
				pa[k] = -z * eps[k] / (a * a)
			}
		}
	}
	return f.Var()
}

// Uniform returns n pathwise draws per batch row from Uniform(low, high)
// as z = low + U (high - low), U uniform on (0, 1), so ∂z/∂low = 1 - U and
// ∂z/∂high = U.
func Uniform(rng *rand.Rand, low, high ad.Var, n int) ad.Var {
	eps, r, c := Draw(rng, StdUniform, n, low, high)
	f := ad.NewFused(r, c, ad.Elementwise, low, high)
	out, pl, ph := f.Out(), f.Partial(0), f.Partial(1)
	lv, hv := gridOfLoc(low), gridOfLoc(high)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			k := i*c + j
			lo, hi, u := lv.at(i, j), hv.at(i, j), eps[k]
			out[k] = lo + u*(hi-lo)
			if pl != nil {
				pl[k] = 1 - u
			}
			if ph != nil {
				ph[k] = u
			}
		}
	}
	return f.Var()
}

// HalfNormal returns n pathwise draws per batch row from
// HalfNormal(scale) as z = scale |ε|, ε ~ N(0, 1), so ∂z/∂scale = |ε|.
func HalfNormal(rng *rand.Rand, scale ad.Var, n int) ad.Var {
	return scaleAbsLoc(rng, scale, n, StdNormal)
}

// HalfCauchy returns n pathwise draws per batch row from
// HalfCauchy(scale) as z = scale |ε| with standard Cauchy ε, so
// ∂z/∂scale = |ε|.
func HalfCauchy(rng *rand.Rand, scale ad.Var, n int) ad.Var {
	return scaleAbsLoc(rng, scale, n, StdCauchy)
}

// scaleAbsLoc returns scale |ε| for noise ε, one fused node.
func scaleAbsLoc(rng *rand.Rand, scale ad.Var, n int, noise Noise) ad.Var {
	eps, r, c := Draw(rng, noise, n, scale)
	f := ad.NewFused(r, c, ad.Elementwise, scale)
	out, ps := f.Out(), f.Partial(0)
	sv := gridOfLoc(scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			k := i*c + j
			a := math.Abs(eps[k])
			out[k] = sv.at(i, j) * a
			if ps != nil {
				ps[k] = a
			}
		}
	}
	return f.Var()
}

// LogNormal returns n pathwise draws per batch row from LogNormal(loc,
// scale) (loc and scale of the underlying normal) as
// z = exp(loc + scale ε), ε ~ N(0, 1), so ∂z/∂loc = z and ∂z/∂scale = z ε.
func LogNormal(rng *rand.Rand, loc, scale ad.Var, n int) ad.Var {
	eps, r, c := Draw(rng, StdNormal, n, loc, scale)
	f := ad.NewFused(r, c, ad.Elementwise, loc, scale)
	out, pl, ps := f.Out(), f.Partial(0), f.Partial(1)
	lv, sv := gridOfLoc(loc), gridOfLoc(scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			k := i*c + j
			z := math.Exp(lv.at(i, j) + sv.at(i, j)*eps[k])
			out[k] = z
			if pl != nil {
				pl[k] = z
			}
			if ps != nil {
				ps[k] = z * eps[k]
			}
		}
	}
	return f.Var()
}
