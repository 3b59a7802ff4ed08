package dist

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/integrate/quad"
)

// The quadratures of the tests, in one place: integrate (composite
// Gauss-Legendre, gonum's substitution for infinite tails),
// integrateLogTails (the same with logarithmically mapped tails, for
// polynomial tails), integrateTanhSinh (double-exponential rules, for
// endpoint singularities), and the KL divergence integrated by each of
// them through one integrand (klIntegrand).

// integrate returns ∫ f over [lo, hi] (either end may be infinite) by
// composite Gauss-Legendre quadrature: the finite part [a, b] is cut at
// the breakpoints (where f has kinks or narrow peaks) and into pieces,
// each integrated with a 64-point rule; infinite tails use gonum's
// substitution x = a + t/(1-t).
func integrate(f func(float64) float64, lo, hi float64, breaks ...float64) float64 {
	pts := []float64{}
	for _, b := range breaks {
		if b > lo && b < hi {
			pts = append(pts, b)
		}
	}
	sort.Float64s(pts)
	a, b := lo, hi
	var sum float64
	if math.IsInf(lo, -1) {
		a = -1
		if len(pts) > 0 {
			a = pts[0] - 1
		}
		if !math.IsInf(hi, 1) && a >= hi {
			a = hi - 1
		}
		sum += quad.Fixed(f, math.Inf(-1), a, 4000, nil, 0)
	}
	if math.IsInf(hi, 1) {
		b = 1
		if len(pts) > 0 {
			b = pts[len(pts)-1] + 1
		}
		if b <= a {
			b = a + 1
		}
		sum += quad.Fixed(f, b, math.Inf(1), 4000, nil, 0)
	}
	edges := append([]float64{a}, pts...)
	edges = append(edges, b)
	leg := quad.Legendre{}
	for k := 0; k+1 < len(edges); k++ {
		x0, x1 := edges[k], edges[k+1]
		const pieces = 64
		h := (x1 - x0) / pieces
		for p := 0; p < pieces; p++ {
			sum += quad.Fixed(f, x0+float64(p)*h, x0+float64(p+1)*h, 64, leg, 0)
		}
	}
	return sum
}

// klQuad returns KL(p || q) = ∫ p (log p - log q) over [lo, hi] for two
// 1x1-shaped univariate distributions, skipping points where p = 0.
func klQuad(p, q Distribution, lo, hi float64, breaks ...float64) float64 {
	return integrate(klIntegrand(p, q), lo, hi, breaks...)
}

// klIntegrand returns x -> p(x) (log p(x) - log q(x)) for two 1x1-shaped
// univariate distributions, 0 where p's density is 0 or underflows to 0
// (where log q may be -Inf and the product 0·Inf would be NaN, as in the
// doubly exponential tails of Gumbel and Weibull densities). Every KL
// quadrature of the tests integrates it (klQuad, klQuadLogTails,
// klQuadTanhSinh).
func klIntegrand(p, q Distribution) func(float64) float64 {
	return func(x float64) float64 {
		lp := logProbAt(p, x)
		pd := math.Exp(lp)
		if pd == 0 {
			return 0
		}
		return pd * (lp - logProbAt(q, x))
	}
}

// entropyIntegrand returns x -> -p(x) log p(x) for a 1x1-shaped
// univariate distribution, 0 where the density is 0. Every entropy
// quadrature of the tests integrates it (entropyQuad, checkQuad).
func entropyIntegrand(d Distribution) func(float64) float64 {
	return func(x float64) float64 {
		lp := logProbAt(d, x)
		if math.IsInf(lp, -1) {
			return 0
		}
		return -math.Exp(lp) * lp
	}
}

// entropyQuad returns -∫ p log p over [lo, hi] for a 1x1-shaped
// univariate distribution.
func entropyQuad(d Distribution, lo, hi float64, breaks ...float64) float64 {
	return integrate(entropyIntegrand(d), lo, hi, breaks...)
}

// integrateLogTails returns ∫ f over [lo, hi] like integrate, but maps an
// infinite tail beyond the finite part [a, b] logarithmically,
// x = b + expm1(u) (and x = a - expm1(u) on the left), before gonum's
// substitution u = t/(1-t). Polynomial tails such as the Cauchy's
// (log x/x² in an entropy) or a Pareto's x^{-1-α} then decay exponentially
// in u, where the plain substitution leaves an endpoint singularity that
// Gauss-Legendre rules converge on only slowly.
func integrateLogTails(f func(float64) float64, lo, hi float64, breaks ...float64) float64 {
	a, b := lo, hi
	if math.IsInf(lo, -1) || math.IsInf(hi, 1) {
		first, last := math.Inf(1), math.Inf(-1)
		for _, x := range breaks {
			first, last = math.Min(first, x), math.Max(last, x)
		}
		if math.IsInf(first, 1) {
			first, last = 0, 0
		}
		if math.IsInf(lo, -1) {
			a = math.Min(first-1, hi-1)
		}
		if math.IsInf(hi, 1) {
			b = math.Max(last+1, a+1)
		}
	}
	sum := integrate(f, a, b, breaks...)
	tail := func(x, u float64) float64 {
		if math.IsInf(x, 0) {
			return 0
		}
		v := f(x)
		if v == 0 {
			return 0 // also where exp(u) overflows
		}
		return v * math.Exp(u)
	}
	if math.IsInf(lo, -1) {
		sum += quad.Fixed(func(u float64) float64 { return tail(a-math.Expm1(u), u) }, 0, math.Inf(1), 4000, nil, 0)
	}
	if math.IsInf(hi, 1) {
		sum += quad.Fixed(func(u float64) float64 { return tail(b+math.Expm1(u), u) }, 0, math.Inf(1), 4000, nil, 0)
	}
	return sum
}

// klQuadLogTails is klQuad with integrateLogTails, for polynomial tails.
func klQuadLogTails(p, q Distribution, lo, hi float64, breaks ...float64) float64 {
	return integrateLogTails(klIntegrand(p, q), lo, hi, breaks...)
}

// integrateTanhSinh returns ∫ f over [lo, hi] (either end may be infinite),
// cut at the breakpoints inside, each finite piece by tanhSinh and
// each infinite tail by expSinh with the spread of the breakpoints
// as its scale.
func integrateTanhSinh(f func(float64) float64, lo, hi float64, breaks ...float64) float64 {
	var pts []float64
	for _, b := range breaks {
		if b > lo && b < hi {
			pts = append(pts, b)
		}
	}
	sort.Float64s(pts)
	if len(pts) == 0 && (math.IsInf(lo, -1) || math.IsInf(hi, 1)) {
		switch {
		case !math.IsInf(lo, -1):
			pts = []float64{lo + 1}
		case !math.IsInf(hi, 1):
			pts = []float64{hi - 1}
		default:
			pts = []float64{0}
		}
	}
	scale := 1.0
	if len(pts) > 1 {
		scale = (pts[len(pts)-1] - pts[0]) / float64(len(pts)-1)
	}
	edges := pts
	var sum float64
	if math.IsInf(lo, -1) {
		sum += expSinh(f, edges[0], scale, -1)
	} else {
		edges = append([]float64{lo}, edges...)
	}
	if math.IsInf(hi, 1) {
		sum += expSinh(f, edges[len(edges)-1], scale, 1)
	} else {
		edges = append(edges, hi)
	}
	for k := 0; k+1 < len(edges); k++ {
		if edges[k+1] > edges[k] {
			sum += tanhSinh(f, edges[k], edges[k+1])
		}
	}
	return sum
}

// klQuadTanhSinh returns ∫ p (log p - log q) over p's support for 1x1
// univariate p and q, skipping points where p's density underflows to 0.
// A Pareto p is integrated over u = log(x/x_m), where its polynomial tail
// decays exponentially.
func klQuadTanhSinh(p, q Distribution, lo, hi float64, breaks ...float64) float64 {
	f := klIntegrand(p, q)
	if pa, ok := p.(Pareto); ok {
		xm := pa.Scale.Scalar()
		ub := make([]float64, 0, len(breaks))
		for _, b := range breaks {
			if b > xm {
				ub = append(ub, math.Log(b/xm))
			}
		}
		return integrateTanhSinh(func(u float64) float64 {
			x := xm * math.Exp(u)
			if math.IsInf(x, 1) {
				return 0
			}
			return f(x) * x
		}, 0, math.Inf(1), ub...)
	}
	return integrateTanhSinh(f, lo, hi, breaks...)
}

// tanhSinh returns ∫_a^b f by double-exponential (tanh-sinh)
// quadrature (Takahasi and Mori 1974): x = c ± h(1 - tanh(π/2 sinh t)),
// with the distance to the nearer endpoint computed directly so that
// integrable endpoint singularities are sampled as close as float64 can.
// The step is halved until two estimates agree to 1e-15 relative (at most
// 12 halvings). Points where f is not finite contribute 0.
func tanhSinh(f func(float64) float64, a, b float64) float64 {
	c, h := (a+b)/2, (b-a)/2
	eval := func(x, w float64) float64 {
		v := f(x)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return v * w
	}
	// term returns the contributions at ±t.
	term := func(t float64) float64 {
		u := math.Pi / 2 * math.Sinh(t)
		e := math.Exp(-2 * math.Abs(u))
		dist := h * 2 * e / (1 + e) // h(1 - tanh|u|)
		ch := math.Cosh(u)
		w := h * math.Pi / 2 * math.Cosh(t) / (ch * ch)
		if w == 0 || dist == 0 {
			return 0
		}
		if t == 0 {
			return eval(c, w)
		}
		return eval(a+dist, w) + eval(b-dist, w)
	}
	const tmax = 6.5
	step := 0.5
	sum := term(0)
	for t := step; t <= tmax; t += step {
		sum += term(t)
	}
	est := sum * step
	for level := 0; level < 12; level++ {
		step /= 2
		for t := step; t <= tmax; t += 2 * step {
			sum += term(t)
		}
		next := sum * step
		if math.Abs(next-est) <= 1e-15*math.Abs(next) {
			return next
		}
		est = next
	}
	return est
}

// expSinh returns ∫ f over [a, ∞) (dir = 1) or (-∞, a] (dir = -1)
// by exp-sinh quadrature, x = a + dir·scale·exp(π/2 sinh t).
func expSinh(f func(float64) float64, a, scale, dir float64) float64 {
	term := func(t float64) float64 {
		u := math.Pi / 2 * math.Sinh(t)
		ex := math.Exp(u)
		w := scale * math.Pi / 2 * math.Cosh(t) * ex
		x := a + dir*scale*ex
		if w == 0 || math.IsInf(x, 0) || math.IsInf(w, 0) {
			return 0
		}
		v := f(x)
		if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return v * w
	}
	const tmax = 4.5
	step := 0.5
	sum := term(0)
	for t := step; t <= tmax; t += step {
		sum += term(t) + term(-t)
	}
	est := sum * step
	for level := 0; level < 12; level++ {
		step /= 2
		for t := step; t <= tmax; t += 2 * step {
			sum += term(t) + term(-t)
		}
		next := sum * step
		if math.Abs(next-est) <= 1e-15*math.Abs(next) {
			return next
		}
		est = next
	}
	return est
}

// tanhSinhEnds returns ∫_a^b f by the tanh-sinh (double exponential) rule
// of Takahasi & Mori (1974) with step h = 2^-6 on t ∈ [-6.25, 6.25],
// which reaches within 1e-300 of the ends. f is
// called as f(x, da, db) with da = x - a and db = b - x computed without
// cancellation, so that integrands with singularities at the ends can be
// evaluated accurately next to them. Points where either distance
// underflows are skipped.
func tanhSinhEnds(f func(x, da, db float64) float64, a, b float64) float64 {
	const h = 1.0 / 64
	half := (b - a) / 2
	var s float64
	for k := -400; k <= 400; k++ {
		t := float64(k) * h
		u := math.Pi / 2 * math.Sinh(t)
		// x = mid + half·tanh(u); distances to the ends: half(1 ∓ tanh u).
		e := math.Exp(-2 * math.Abs(u))
		near := half * 2 * e / (1 + e) // distance to the nearer end
		if near == 0 {
			continue
		}
		var x, da, db float64
		if u < 0 {
			da, db = near, (b-a)-near
			x = a + da
		} else {
			db, da = near, (b-a)-near
			x = b - db
		}
		ch := math.Cosh(u)
		w := h * half * math.Pi / 2 * math.Cosh(t) / (ch * ch)
		v := f(x, da, db)
		if v != 0 {
			s += w * v
		}
	}
	return s
}
