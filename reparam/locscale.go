package reparam

import (
	"fmt"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// Noise draws one standard variate.
type Noise func(rng *rand.Rand) float64

// StdNormal draws a standard normal variate.
func StdNormal(rng *rand.Rand) float64 { return rng.NormFloat64() }

// Shape returns the broadcast shape (B, C) of parameters: rows and columns
// each equal or 1. It panics if they do not broadcast.
func Shape(ps ...ad.Var) (int, int) {
	b, c := 1, 1
	for _, p := range ps {
		r, k := p.Shape()
		nb, nc := bd(b, r), bd(c, k)
		if nb < 0 || nc < 0 {
			panic(fmt.Sprintf("reparam: parameter shapes do not broadcast (%dx%d with %dx%d)", b, c, r, k))
		}
		b, c = nb, nc
	}
	return b, c
}

func bd(a, b int) int {
	switch {
	case a == b:
		return a
	case a == 1:
		return b
	case b == 1:
		return a
	}
	return -1
}

// tapeOf returns the tape of the first recorded Var, or nil.
func tapeOf(vs ...ad.Var) *ad.Tape {
	for _, v := range vs {
		if t := v.Tape(); t != nil {
			return t
		}
	}
	return nil
}

// Draw fills an n*B x C buffer (arena memory when a parameter is recorded)
// with standard noise, row-major: the layout of every sampler here.
func Draw(rng *rand.Rand, noise Noise, n int, ps ...ad.Var) (eps []float64, rows, cols int) {
	b, c := Shape(ps...)
	if n < 0 {
		panic(fmt.Sprintf("reparam: %d samples", n))
	}
	rows, cols = n*b, c
	eps = tapeOf(ps...).Buffer(rows * cols)
	for i := range eps {
		eps[i] = noise(rng)
	}
	return eps, rows, cols
}

// LocScale returns loc + scale*ε for standard noise ε, n draws for each
// batch row of the parameters: an n*B x C value, row k*B+b drawing from
// row b (rows of a shared 1-row parameter broadcast). It is one fused node
// with ∂z/∂loc = 1 and ∂z/∂scale = ε.
func LocScale(rng *rand.Rand, loc, scale ad.Var, n int, noise Noise) ad.Var {
	eps, r, c := Draw(rng, noise, n, loc, scale)
	return AffineNoise(loc, scale, eps, r, c)
}

// AffineNoise returns loc + scale*eps for a given r x c noise buffer, with
// loc and scale fitting the r x c grid (rows equal, 1, or dividing r).
func AffineNoise(loc, scale ad.Var, eps []float64, r, c int) ad.Var {
	f := ad.NewFused(r, c, ad.Elementwise, loc, scale)
	out, pl, ps := f.Out(), f.Partial(0), f.Partial(1)
	lv, sv := loc.Value(), scale.Value()
	lr, lc := loc.Shape()
	sr, sc := scale.Shape()
	for i := 0; i < r; i++ {
		lo, so := (i%lr)*lc, (i%sr)*sc
		for j := 0; j < c; j++ {
			k := i*c + j
			m, s := lv[lo+min(j, lc-1)], sv[so+min(j, sc-1)]
			out[k] = m + s*eps[k]
			if pl != nil {
				pl[k] = 1
			}
			if ps != nil {
				ps[k] = eps[k]
			}
		}
	}
	return f.Var()
}

// Normal returns n pathwise draws from Normal(loc, scale) per batch row.
func Normal(rng *rand.Rand, loc, scale ad.Var, n int) ad.Var {
	return LocScale(rng, loc, scale, n, StdNormal)
}
