package dist

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klVonMisesVonMises)
}

// klVonMisesVonMises is KL(VM(m1, k1) || VM(m2, k2)) =
// log(I₀(k2)/I₀(k1)) + A(k1)(k1 - k2 cos(m1 - m2)), A = I₁/I₀, summed over
// columns. It is evaluated as the sum of two non-negative terms,
//
//	D = g(k2) - g(k1) - A(k1)(k2 - k1)   (g = log I₀, g' = A)
//	  + 2 A(k1) k2 sin²((m1 - m2)/2),
//
// D being the Bregman divergence of the convex g. Near k1 = k2 the first
// line cancels to second order, so it is computed as
// ∫_{k1}^{k2} (k2 - t) A'(t) dt by Gauss-Legendre quadrature whenever
// |k2 - k1| <= ½(1 + min(k1, k2)): A' is analytic up to a distance of
// about √(k² + 2.4²) from the interval (I₀ has its zeros on the imaginary
// axis, the first at ±2.405i), so a rule of 3 to 20 points, chosen from
// that distance, is accurate to rounding. Otherwise it is
// (k2 - k1)(1 - A(k1)) + log(e^{-k2}I₀(k2)) - log(e^{-k1}I₀(k1)), which
// cancels by at most a factor of about 20 there.
//
// Partials: ∂/∂m1 = A(k1) k2 sin(m1 - m2) = -∂/∂m2,
// ∂/∂k1 = A'(k1)(k1 - k2 cos(m1 - m2)), ∂/∂k2 = A(k2) - A(k1) cos(m1 - m2).
func klVonMisesVonMises(p, q VonMises) (ad.Var, error) {
	return paramCellsPar("KL(VonMises || VonMises)", ad.ReduceCols, divergenceRows, 1<<10, []ad.Var{p.Loc, p.Concentration, q.Loc, q.Concentration}, func(v, g *[4]float64, need *[4]bool) float64 {
		m1, k1, m2, k2 := v[0], v[1], v[2], v[3]
		a1, r1, da1 := special.BesselRatios(k1)
		sh, ch := math.Sincos((m1 - m2) / 2)
		sin, cos := 2*sh*ch, 1-2*sh*sh
		g[0], g[2] = a1*k2*sin, -a1*k2*sin
		g[1] = da1 * (k1 - k2*cos)
		if need[3] {
			g[3] = special.BesselRatio(k2) - a1*cos
		}
		return vonMisesBregman(k1, k2, r1) + 2*a1*k2*sh*sh
	}), nil
}

// vonMisesBregman returns log I₀(k2) - log I₀(k1) - A(k1)(k2 - k1) >= 0
// given r1 = 1 - A(k1); see klVonMisesVonMises.
func vonMisesBregman(k1, k2, r1 float64) float64 {
	d := k2 - k1
	if d == 0 {
		return 0
	}
	if math.Abs(d) <= 0.5*(1+math.Min(k1, k2)) {
		h, mid := d/2, (k1+k2)/2
		// A' has its singularities at the zeros of I₀, ±2.405i, ±5.520i, ...
		xs, ws := miscGLRule(math.Hypot(mid, 2.4048) / math.Abs(h))
		var s float64
		for j, x := range xs {
			// k2 - t = h(1 - x) exactly in terms of d; forming it from t
			// would lose |k|/|d| in relative accuracy.
			_, _, da := special.BesselRatios(mid + h*x)
			s += ws[j] * (1 - x) * da
		}
		return s * h * h
	}
	return d*r1 + special.LogBesselI0e(k2) - special.LogBesselI0e(k1)
}

// miscGLRules are Gauss-Legendre rules on [-1, 1] with 3, 5, 8, 12 and 20
// points.
var miscGLRules = func() [][2][]float64 {
	var rules [][2][]float64
	for _, n := range []int{3, 5, 8, 12, 20} {
		x, w := make([]float64, n), make([]float64, n)
		quad.Legendre{}.FixedLocations(x, w, -1, 1)
		rules = append(rules, [2][]float64{x, w})
	}
	return rules
}()

// miscGLRule returns the smallest of miscGLRules that integrates a function
// analytic inside the Bernstein ellipse with parameter rho (the sum of its
// semi-axes, here bounded below by the distance of the nearest
// singularity from the centre in units of the half-width) to about 1e-19
// relative accuracy: the n-point error falls like rho^{-2n}.
func miscGLRule(rho float64) (x, w []float64) {
	need := 22 / math.Log(math.Max(rho, 1.0001)) // rho^{-2n} <= e^{-44} ≈ 1e-19
	for _, r := range miscGLRules {
		if float64(len(r[0])) >= need {
			return r[0], r[1]
		}
	}
	r := miscGLRules[len(miscGLRules)-1]
	return r[0], r[1]
}

// miscGL20x, miscGL20w are the 20-point Gauss-Legendre nodes and weights on
// [-1, 1].
var miscGL20x, miscGL20w = miscGLRules[4][0], miscGLRules[4][1]
