package reparam

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// VonMises returns n pathwise draws from the von Mises distribution with
// location loc and concentration k > 0 per batch row: an n*B x C value,
// row k*B+b drawing from row b. Draws lie in [-π, π).
//
// A draw is z = wrap(loc + w), w from the centred distribution by the
// rejection sampler of Best & Fisher (1979, "Efficient simulation of the
// von Mises distribution", Applied Statistics 28), and wrap maps to
// [-π, π) as torch does. The node is fused: ∂z/∂loc = 1, and ∂z/∂k is the
// implicit reparameterization gradient of Figurnov, Mohamed & Mnih (2018,
// "Implicit reparameterization gradients"), -(∂G/∂k)(w)/f(w), where G is
// the distribution function of w and f its density
// (special.VonMisesCDF: Fourier series for k <= 30, quadrature above).
func VonMises(rng *rand.Rand, loc, concentration ad.Var, n int) ad.Var {
	b, c := Shape(loc, concentration)
	if n < 0 {
		panic("reparam: VonMises: negative sample count")
	}
	r := n * b
	f := ad.NewFused(r, c, ad.Elementwise, loc, concentration)
	out, pl, pk := f.Out(), f.Partial(0), f.Partial(1)
	lv, kv := loc.Value(), concentration.Value()
	lr, lc := loc.Shape()
	kr, kc := concentration.Shape()
	// Per-element constants, shared between equal neighbours.
	samplers := make([]vonMisesSampler, len(kv))
	var cdfs []special.VonMisesCDF
	if pk != nil {
		cdfs = make([]special.VonMisesCDF, len(kv))
	}
	for i, k := range kv {
		if i > 0 && k == kv[i-1] {
			samplers[i] = samplers[i-1]
			if cdfs != nil {
				cdfs[i] = cdfs[i-1]
			}
			continue
		}
		samplers[i] = newVonMisesSampler(k)
		if cdfs != nil {
			cdfs[i] = special.NewVonMisesCDF(k)
		}
	}
	for i := 0; i < r; i++ {
		lo, ko := (i%lr)*lc, (i%kr)*kc
		for j := 0; j < c; j++ {
			q := i*c + j
			ki := ko + min(j, kc-1)
			w := samplers[ki].draw(rng)
			out[q] = vonMisesWrap(lv[lo+min(j, lc-1)] + w)
			if pl != nil {
				pl[q] = 1
			}
			if pk != nil {
				_, dk, pdf := cdfs[ki].Eval(w)
				if pdf > 0 {
					pk[q] = -dk / pdf
				}
			}
		}
	}
	return f.Var()
}

// vonMisesWrap maps x to [-π, π) as (x + π) mod 2π - π.
func vonMisesWrap(x float64) float64 {
	y := math.Mod(x+math.Pi, 2*math.Pi)
	if y < 0 {
		y += 2 * math.Pi
	}
	z := y - math.Pi
	if z >= math.Pi {
		z -= 2 * math.Pi
	}
	return z
}

// vonMisesSampler holds the constants of Best & Fisher's sampler for one
// concentration k: a = r - 1 and k·a, where r = (1 + ρ²)/(2ρ) and
// ρ = (τ - √(2τ))/(2k), τ = 1 + √(1 + 4k²).
//
// The textbook form loses accuracy at both ends: ρ cancels for small k,
// and for large k r → 1 so that f = (1 + r cos θ)/(r + cos θ) → 1 and
// acos(f) loses half the digits. Here every quantity is rearranged without
// cancellation: with zp = 1 + cos θ and zm = 1 - cos θ,
// 1 - f = a·zm/(a + zp), 1 + f = (2 + a)·zp/(a + zp),
// c = k(r - f) = k·a·(a + 2)/(a + zp) and
// acos f = 2 atan2(√(a·zm), √((2 + a)·zp)).
type vonMisesSampler struct{ a, ka float64 }

func newVonMisesSampler(k float64) vonMisesSampler {
	switch {
	case k == 0:
		return vonMisesSampler{a: math.Inf(1), ka: 1}
	case k < 1e-5:
		// r = 1/k + k + O(k³) (the expansion torch uses).
		return vonMisesSampler{a: 1/k + k - 1, ka: 1 + k*k - k}
	}
	s := math.Sqrt(1 + 4*k*k)
	var rho, omr float64 // ρ and 1 - ρ
	if k < 1 {
		// τ - √(2τ) = e√(1+e/2)/(√(1+e/2)+1) with e = τ - 2 = 4k²/(s+1).
		e := 4 * k * k / (s + 1)
		q := math.Sqrt(1 + e/2)
		rho = e * q / ((q + 1) * 2 * k)
		omr = 1 - rho
	} else {
		// 2k - τ = -1 - 1/(s + 2k).
		tau := 1 + s
		omr = (math.Sqrt(2*tau) - 1 - 1/(s+2*k)) / (2 * k)
		rho = 1 - omr
	}
	a := omr * omr / (2 * rho)
	return vonMisesSampler{a: a, ka: k * a}
}

// draw returns one variate of the centred von Mises distribution.
func (s vonMisesSampler) draw(rng *rand.Rand) float64 {
	if math.IsInf(s.a, 1) {
		return math.Pi * (2*rng.Float64() - 1)
	}
	a := s.a
	for {
		u1, u2 := rng.Float64(), rng.Float64()
		sh, ch := math.Sincos(math.Pi * u1 / 2)
		zm, zp := 2*sh*sh, 2*ch*ch
		c := s.ka * (a + 2) / (a + zp)
		if c*(2-c) > u2 || math.Log(c/u2)+1-c >= 0 {
			x := 2 * math.Atan2(math.Sqrt(a*zm), math.Sqrt((2+a)*zp))
			if rng.Float64() < 0.5 {
				x = -x
			}
			return x
		}
	}
}
