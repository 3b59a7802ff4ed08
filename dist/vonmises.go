package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// VonMises is the von Mises (circular normal) distribution on [-π, π) with
// location Loc and concentration Concentration (k > 0), applied
// independently to each column: density exp(k cos(x - loc)) / (2π I₀(k)).
// Loc and Concentration broadcast: B x C, 1 x C, B x 1 or 1 x 1. Loc may be
// any real number (it acts modulo 2π).
//
// The Bessel function I₀ and the ratio A(k) = I₁(k)/I₀(k) come from
// internal/special, exponentially scaled so that large concentrations
// neither overflow nor lose accuracy.
type VonMises struct{ Loc, Concentration ad.Var }

// NewVonMises returns VonMises(loc, concentration) with scalar parameters,
// or an error if loc is not finite or concentration is not positive.
func NewVonMises(loc, concentration float64) (VonMises, error) {
	return VonMisesOf(scalar(loc), scalar(concentration))
}

// VonMisesOf returns VonMises(loc, concentration) with parameters given as
// ad values, or an error naming the first invalid parameter.
func VonMisesOf(loc, concentration ad.Var) (VonMises, error) {
	d := VonMises{Loc: loc, Concentration: concentration}
	return d, d.Validate()
}

// Validate checks that Loc is finite, Concentration is positive and their
// shapes broadcast.
func (d VonMises) Validate() error {
	return validateDecl("VonMises", d.Loc, d.Concentration)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d VonMises) Shape() (int, int) { return paramShape("VonMises", d.Loc, d.Concentration) }

// Support returns the interval [-π, π] (draws lie in [-π, π)).
func (VonMises) Support() Support {
	return Interval{Lower: scalar(-math.Pi), Upper: scalar(math.Pi)}
}

// LogProb returns Σ_j [k cos(x_ij - loc) - log(2π I₀(k))] for each row, as
// one fused node with partials -k sin(x - loc) for x, k sin(x - loc) for
// loc and cos(x - loc) - A(k) for k. The log-density is evaluated as
// -2k sin²((x - loc)/2) - log(2π e^{-k}I₀(k)), which stays accurate for
// large k. Values outside [-π, π] get -Inf.
func (d VonMises) LogProb(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("VonMises", "LogProb", x, b, c)
	f := ad.NewFused(r, c, ad.ReduceCols, x, d.Loc, d.Concentration)
	out, px, pl, pk := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	xv, lv, kv := viewOf(x), viewOf(d.Loc), viewOf(d.Concentration)
	// log(2π e^{-k}I₀(k)) and 1 - A(k) once per element of Concentration.
	n := len(kv.v)
	buf := tapeOf(x, d.Loc, d.Concentration).Buffer(2 * n)
	lnorm, oma := buf[:n], buf[n:]
	for i, k := range kv.v {
		if i > 0 && k == kv.v[i-1] {
			lnorm[i], oma[i] = lnorm[i-1], oma[i-1]
			continue
		}
		_, oma[i], _ = special.BesselRatios(k)
		lnorm[i] = math.Log(2*math.Pi) + special.LogBesselI0e(k)
	}
	for i := 0; i < r; i++ {
		var acc float64
		ko := kv.row(i)
		for j := 0; j < c; j++ {
			xx, ki := xv.at(i, j), ko+j*kv.cs
			k := kv.v[ki]
			q := i*c + j
			if !(xx >= -math.Pi && xx <= math.Pi) {
				acc = math.Inf(-1)
				continue
			}
			h := (xx - lv.at(i, j)) / 2
			sh, ch := math.Sincos(h)
			s2 := sh * sh
			oneMinusA := oma[ki]
			acc += -2*k*s2 - lnorm[ki]
			sin := 2 * sh * ch // sin(x - loc)
			if px != nil {
				px[q] = -k * sin
			}
			if pl != nil {
				pl[q] = k * sin
			}
			if pk != nil {
				pk[q] = oneMinusA - 2*s2 // cos(x - loc) - A(k)
			}
		}
		out[i] = acc
	}
	return f.Var()
}

// Sample draws n values per batch row (Best & Fisher's rejection sampler)
// as a free constant, in [-π, π).
func (d VonMises) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.VonMises(rng, detach(d.Loc), detach(d.Concentration), n)
}

// Rsample draws n values per batch row, differentiable with respect to loc
// (∂z/∂loc = 1) and to the concentration by implicit reparameterization
// (see reparam.VonMises).
func (d VonMises) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.VonMises(rng, d.Loc, d.Concentration, n)
}

// Mean returns Loc broadcast to B x C (the circular mean, as torch).
func (d VonMises) Mean() ad.Var {
	b, c := d.Shape()
	return expand(d.Loc, b, c)
}

// Variance returns the circular variance 1 - I₁(k)/I₀(k) broadcast to
// B x C (as torch), with derivative -A'(k).
func (d VonMises) Variance() ad.Var {
	return paramCells("VonMises", ad.Elementwise, densityRows, []ad.Var{d.Loc, d.Concentration}, func(v, g *[4]float64, _ *[4]bool) float64 {
		_, oneMinusA, da := special.BesselRatios(v[1])
		g[1] = -da
		return oneMinusA
	})
}

// Entropy returns Σ_j [log(2π I₀(k)) - k I₁(k)/I₀(k)] for each batch row,
// evaluated as log 2π + log(e^{-k}I₀(k)) + k(1 - A(k)) without
// cancellation; its derivative is -k A'(k).
func (d VonMises) Entropy() ad.Var {
	return paramCells("VonMises", ad.ReduceCols, densityRows, []ad.Var{d.Loc, d.Concentration}, func(v, g *[4]float64, _ *[4]bool) float64 {
		k := v[1]
		_, oneMinusA, da := special.BesselRatios(k)
		g[1] = -k * da
		return math.Log(2*math.Pi) + special.LogBesselI0e(k) + k*oneMinusA
	})
}

// CDF returns P(-π <= X <= x) element-wise: G(x - loc) - G(-π - loc),
// where G is the distribution function of the centred von Mises extended
// to the real line (special.VonMisesCDF, absolute accuracy about 1e-15),
// with partials f(x) for x, f(-π) - f(x) for loc and the series or
// quadrature derivative for the concentration. Values below -π give 0 and
// above π give 1 (partials 0).
func (d VonMises) CDF(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("VonMises", "CDF", x, b, c)
	f := ad.NewFused(r, c, ad.Elementwise, x, d.Loc, d.Concentration)
	out, px, pl, pk := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	xv, lv := viewOf(x), viewOf(d.Loc)
	kr, kc := d.Concentration.Shape()
	kvals := d.Concentration.Value()
	cdfs := make([]special.VonMisesCDF, len(kvals))
	for i, k := range kvals {
		cdfs[i] = special.NewVonMisesCDF(k)
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			q := i*c + j
			xx, m := xv.at(i, j), lv.at(i, j)
			switch {
			case xx < -math.Pi:
				out[q] = 0
				continue
			case xx > math.Pi:
				out[q] = 1
				continue
			}
			v := &cdfs[(i%kr)*kc+min(j, kc-1)]
			g1, d1, f1 := v.Eval(xx - m)
			g0, d0, f0 := v.Eval(-math.Pi - m)
			out[q] = math.Min(1, math.Max(0, g1-g0))
			if px != nil {
				px[q] = f1
			}
			if pl != nil {
				pl[q] = f0 - f1
			}
			if pk != nil {
				pk[q] = d1 - d0
			}
		}
	}
	return f.Var()
}
