package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// Kumaraswamy is the Kumaraswamy distribution on (0, 1) with
// concentrations a = Concentration1 and b = Concentration0 (torch's
// names), density a b x^{a-1} (1 - x^a)^{b-1} and distribution function
// 1 - (1 - x^a)^b, applied independently to each column. X^a is Beta(1, b)
// distributed. The parameters broadcast: B x C, 1 x C, B x 1 or 1 x 1.
type Kumaraswamy struct{ Concentration1, Concentration0 ad.Var }

// NewKumaraswamy returns Kumaraswamy(concentration1, concentration0) with
// scalar parameters, or an error if either is not positive.
func NewKumaraswamy(concentration1, concentration0 float64) (Kumaraswamy, error) {
	return KumaraswamyOf(scalar(concentration1), scalar(concentration0))
}

// KumaraswamyOf returns Kumaraswamy(concentration1, concentration0) with
// parameters given as ad values, or an error naming the first invalid
// parameter.
func KumaraswamyOf(concentration1, concentration0 ad.Var) (Kumaraswamy, error) {
	d := Kumaraswamy{Concentration1: concentration1, Concentration0: concentration0}
	return d, d.Validate()
}

// Validate checks that both concentrations are positive and their shapes
// broadcast.
func (d Kumaraswamy) Validate() error {
	return validateDecl("Kumaraswamy", d.Concentration1, d.Concentration0)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Kumaraswamy) Shape() (int, int) {
	return paramShape("Kumaraswamy", d.Concentration1, d.Concentration0)
}

// Support returns the unit interval [0, 1].
func (Kumaraswamy) Support() Support { return UnitInterval() }

// LogProb returns Σ_j [log a + log b + (a-1) log x + (b-1) log(1 - x^a)]
// for each row, as one fused node with analytic partials for x, a and b;
// log(1 - x^a) is evaluated as log(1 - e^{a log x}) (special.Log1mExp).
// Values outside [0, 1] get -Inf; at the ends the density may be 0, finite
// or +Inf, with partials 0.
func (d Kumaraswamy) LogProb(x ad.Var) ad.Var {
	return fusedCells("Kumaraswamy", "LogProb", ad.ReduceCols, x, []ad.Var{d.Concentration1, d.Concentration0}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if !(xv >= 0 && xv <= 1) {
			return math.Inf(-1)
		}
		a, bb := v[1], v[2]
		lx := math.Log(xv)
		y := a * lx                // log x^a
		l1m := special.Log1mExp(y) // log(1 - x^a)
		lp := math.Log(a) + math.Log(bb) + special.Xlogy(a-1, xv) + kumaXmul(bb-1, l1m)
		if xv == 0 || xv == 1 {
			return lp
		}
		rr := 1 / math.Expm1(-y) // x^a/(1 - x^a)
		g[0], g[1], g[2] = ((a-1)-(bb-1)*a*rr)/xv, 1/a+lx*(1-(bb-1)*rr), 1/bb+l1m
		return lp
	})
}

// kumaXmul returns k·l with 0·(±Inf) = 0.
func kumaXmul(k, l float64) float64 {
	if k == 0 {
		return 0
	}
	return k * l
}

// Sample draws n values per batch row by the inverse CDF as a free
// constant.
func (d Kumaraswamy) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Kumaraswamy(rng, detach(d.Concentration1), detach(d.Concentration0), n)
}

// Rsample draws n values per batch row as (1 - (1-u)^{1/b})^{1/a},
// differentiable with respect to a and b (reparam.Kumaraswamy).
func (d Kumaraswamy) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Kumaraswamy(rng, d.Concentration1, d.Concentration0, n)
}

// kumaLgammaDiff returns log Γ(x+h) - log Γ(x) for x > 0 and x + h > 0.
// For x, x+h >= 10 it uses Stirling's series (DLMF 5.11.1, seven terms,
// remainder below 3e-17) in the form
// h log x + (x + h - ½) log1p(h/x) - h + r(x+h) - r(x), which keeps its
// accuracy where the two log-gammas are large and close; otherwise the
// difference of math.Lgamma.
func kumaLgammaDiff(x, h float64) float64 {
	if x < 10 || x+h < 10 {
		a, _ := math.Lgamma(x + h)
		b, _ := math.Lgamma(x)
		return a - b
	}
	return h*math.Log(x) + (x+h-0.5)*math.Log1p(h/x) - h + kumaStirlingRem(x+h) - kumaStirlingRem(x)
}

// kumaStirlingRem returns log Γ(x) - [(x-½) log x - x + log √(2π)] for
// x >= 10 by Σ_{k=1..7} B_{2k}/(2k(2k-1) x^{2k-1}).
func kumaStirlingRem(x float64) float64 {
	z := 1 / (x * x)
	return (1.0/12 - z*(1.0/360-z*(1.0/1260-z*(1.0/1680-z*(1.0/1188-z*(691.0/360360-z/156)))))) / x
}

// kumaLogMoment returns log E[X^n] = log(b B(1 + n/a, b)) =
// log Γ(1 + n/a) + log Γ(1 + b) - log Γ(1 + b + n/a), and its partials
// with respect to a and b.
func kumaLogMoment(a, b, n float64) (v, da, db float64) {
	h := n / a
	if h >= b {
		// log Γ(1+b) - [log Γ(1+h+b) - log Γ(1+h)]: for large h the
		// difference is formed by Stirling's series, not from two large
		// log-gammas.
		lg, _ := math.Lgamma(1 + b)
		v = lg - kumaLgammaDiff(1+h, b)
	} else {
		lg, _ := math.Lgamma(1 + h)
		v = lg - kumaLgammaDiff(1+b, h)
	}
	psiB := special.Digamma(1 + b + h)
	da = -h / a * (special.Digamma(1+h) - psiB)
	db = special.Digamma(1+b) - psiB
	return v, da, db
}

// kumaSecondDiff returns Δ = log E[X²] - 2 log E[X] =
// [g(1+2h) - 2g(1+h) + g(1)] - [g(1+b+2h) - 2g(1+b+h) + g(1+b)], g = log Γ,
// h = 1/a. For h <= 1 each bracket is the second difference
// h² ∫₀² (1 - |t-1|) ψ'(x + t h) dt, so Δ is computed as that integral of
// ψ'(1 + th) - ψ'(1 + b + th) by 20-point Gauss-Legendre on [0, 1] and
// [1, 2] (ψ' is analytic at distance >= 1 from the path), which avoids
// the cancellation of the log-gammas for large a.
func kumaSecondDiff(a, b float64) float64 {
	h := 1 / a
	if h > 1 {
		// [g(1+2h) - g(1+h)] - g(1+h) - [(g(1+b+2h) - g(1+b+h)) -
		// (g(1+b+h) - g(1+b))], each difference by kumaLgammaDiff.
		l1, _ := math.Lgamma(1 + h)
		return kumaLgammaDiff(1+h, h) - l1 - (kumaLgammaDiff(1+b+h, h) - kumaLgammaDiff(1+b, h))
	}
	var s float64
	for j, x := range miscGL20x {
		t := (1 + x) / 2 // on [0, 1]; 2 - t on [1, 2] has the same weight
		g := special.Trigamma(1+t*h) - special.Trigamma(1+b+t*h)
		g2 := special.Trigamma(1+(2-t)*h) - special.Trigamma(1+b+(2-t)*h)
		s += miscGL20w[j] * t * (g + g2)
	}
	return s / 2 * h * h
}

// Mean returns b B(1 + 1/a, b) broadcast to B x C (computed in logs).
func (d Kumaraswamy) Mean() ad.Var {
	return paramCells("Kumaraswamy", ad.Elementwise, densityRows, []ad.Var{d.Concentration1, d.Concentration0}, func(v, g *[4]float64, _ *[4]bool) float64 {
		l, da, db := kumaLogMoment(v[0], v[1], 1)
		m := math.Exp(l)
		g[0], g[1] = m*da, m*db
		return m
	})
}

// Variance returns b B(1 + 2/a, b) - (b B(1 + 1/a, b))² broadcast to
// B x C, evaluated as m₁² expm1(log m₂ - 2 log m₁) with the exponent from
// kumaSecondDiff, so that it keeps its relative accuracy where the
// variance is much smaller than the squared mean.
func (d Kumaraswamy) Variance() ad.Var {
	return paramCells("Kumaraswamy", ad.Elementwise, densityRows, []ad.Var{d.Concentration1, d.Concentration0}, func(v, g *[4]float64, _ *[4]bool) float64 {
		a, bb := v[0], v[1]
		l1, da1, db1 := kumaLogMoment(a, bb, 1)
		_, da2, db2 := kumaLogMoment(a, bb, 2)
		m1sq := math.Exp(2 * l1)
		e := kumaSecondDiff(a, bb)
		m2 := m1sq * math.Exp(e)
		g[0], g[1] = m2*da2-2*m1sq*da1, m2*db2-2*m1sq*db1
		return m1sq * math.Expm1(e)
	})
}

// Entropy returns Σ_j [(1 - 1/b) + (1 - 1/a) H_b - log(a b)] for each
// batch row, with H_b = ψ(b+1) + γ the harmonic number (as torch).
func (d Kumaraswamy) Entropy() ad.Var {
	return paramCells("Kumaraswamy", ad.ReduceCols, densityRows, []ad.Var{d.Concentration1, d.Concentration0}, func(v, g *[4]float64, need *[4]bool) float64 {
		a, bb := v[0], v[1]
		hb := special.Digamma(bb+1) + eulerGamma
		g[0] = hb/(a*a) - 1/a
		if need[1] {
			g[1] = 1/(bb*bb) + (1-1/a)*special.Trigamma(bb+1) - 1/bb
		}
		return (1 - 1/bb) + (1-1/a)*hb - math.Log(a) - math.Log(bb)
	})
}

// CDF returns 1 - (1 - x^a)^b element-wise, evaluated as
// -expm1(b log(1 - x^a)), with partials the density for x,
// b (1-x^a)^{b-1} x^a log x for a and -(1-x^a)^b log(1-x^a) for b. Values
// below 0 give 0 and above 1 give 1.
func (d Kumaraswamy) CDF(x ad.Var) ad.Var {
	return fusedCells("Kumaraswamy", "CDF", ad.Elementwise, x, []ad.Var{d.Concentration1, d.Concentration0}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		switch {
		case xv <= 0:
			return 0
		case xv >= 1:
			return 1
		}
		a, bb := v[1], v[2]
		lx := math.Log(xv)
		y := a * lx
		l1m := special.Log1mExp(y)
		g[0] = a * bb * math.Exp((a-1)*lx+(bb-1)*l1m)
		g[1] = bb * math.Exp((bb-1)*l1m+y) * lx
		g[2] = -math.Exp(bb*l1m) * l1m
		return -math.Expm1(bb * l1m)
	})
}
