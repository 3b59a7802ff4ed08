package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/reparam"
)

// Pareto is the Pareto (type I) distribution with scale Scale (the minimum
// value x_m) and shape Alpha: density α x_m^α / x^{α+1} for x >= x_m,
// applied independently to each column. Scale and Alpha broadcast: B x C,
// 1 x C, B x 1 or 1 x 1. The mean is infinite for α <= 1 and the variance
// for α <= 2.
type Pareto struct{ Scale, Alpha ad.Var }

// NewPareto returns Pareto(scale, alpha) with scalar parameters, or an
// error if either is not positive.
func NewPareto(scale, alpha float64) (Pareto, error) {
	return ParetoOf(scalar(scale), scalar(alpha))
}

// ParetoOf returns Pareto(scale, alpha) with parameters given as ad values
// (differentiable when recorded on a tape), or an error naming the first
// invalid parameter.
func ParetoOf(scale, alpha ad.Var) (Pareto, error) {
	d := Pareto{Scale: scale, Alpha: alpha}
	return d, d.Validate()
}

// Validate checks that Scale and Alpha are positive and that their shapes
// broadcast.
func (d Pareto) Validate() error {
	return validateDecl("Pareto", d.Scale, d.Alpha)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Pareto) Shape() (int, int) { return paramShape("Pareto", d.Scale, d.Alpha) }

// Support returns (Scale, ∞). The density is also defined at x = Scale.
func (d Pareto) Support() Support { return GreaterThan{Lower: d.Scale} }

// LogProb returns Σ_j (log α - log x_m - (α+1) log(x_ij/x_m)) for each row
// (-Inf where x < x_m), as one fused node with analytic partials for x,
// scale and alpha.
func (d Pareto) LogProb(x ad.Var) ad.Var {
	return fusedCells("Pareto", "LogProb", ad.ReduceCols, x, []ad.Var{d.Scale, d.Alpha}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		xm := v[1]
		if !(xv >= xm) {
			return math.Inf(-1)
		}
		a := v[2]
		l := math.Log(xv / xm)
		g[0], g[1], g[2] = -(a+1)/xv, a/xm, 1/a-l
		return math.Log(a) - math.Log(xm) - (a+1)*l
	})
}

// Sample draws n values per batch row as a free constant.
func (d Pareto) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Pareto(rng, detach(d.Scale), detach(d.Alpha), n)
}

// Rsample draws n values per batch row as x_m exp(E/α), E ~ Exp(1),
// differentiable with respect to scale and alpha.
func (d Pareto) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Pareto(rng, d.Scale, d.Alpha, n)
}

// Mean returns α x_m/(α - 1) element-wise, B x C, and +Inf where α <= 1,
// as one fused node.
func (d Pareto) Mean() ad.Var {
	return paramCells("Pareto", ad.Elementwise, densityRows, []ad.Var{d.Scale, d.Alpha}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xm, a := v[0], v[1]
		if a <= 1 {
			return math.Inf(1)
		}
		g[0], g[1] = a/(a-1), -xm/((a-1)*(a-1))
		return a * xm / (a - 1)
	})
}

// Variance returns x_m² α/((α - 1)²(α - 2)) element-wise, B x C, and +Inf
// where α <= 2, as one fused node.
func (d Pareto) Variance() ad.Var {
	return paramCells("Pareto", ad.Elementwise, densityRows, []ad.Var{d.Scale, d.Alpha}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xm, a := v[0], v[1]
		if a <= 2 {
			return math.Inf(1)
		}
		vr := xm * xm * a / ((a - 1) * (a - 1) * (a - 2))
		g[0], g[1] = 2*vr/xm, vr*(1/a-2/(a-1)-1/(a-2))
		return vr
	})
}

// Entropy returns Σ_j (log(x_m/α) + 1/α + 1) for each batch row.
func (d Pareto) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Shift(ad.Add(ad.Log(ad.Div(d.Scale, d.Alpha)), ad.Pow(d.Alpha, -1)), 1), b, c)
}

// CDF returns 1 - (x_m/x)^α = -expm1(-α log(x/x_m)) element-wise (0 where
// x < x_m).
func (d Pareto) CDF(x ad.Var) ad.Var {
	return fusedCells("Pareto", "CDF", ad.Elementwise, x, []ad.Var{d.Scale, d.Alpha}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		xm := v[1]
		if !(xv >= xm) {
			return 0
		}
		a := v[2]
		l := math.Log(xv / xm)
		e := math.Exp(-a * l) // (x_m/x)^α
		g[0], g[1], g[2] = a*e/xv, -a*e/xm, l*e
		return -math.Expm1(-a * l)
	})
}

// Quantile returns x_m exp(-log1p(-p)/α) element-wise for probabilities p
// (a free constant; no gradient).
func (d Pareto) Quantile(p ad.Var) ad.Var {
	sv, av := viewOf(d.Scale), viewOf(d.Alpha)
	return pointwise("Pareto", "Quantile", p, []ad.Var{d.Scale, d.Alpha}, func(i, j int, pv float64) float64 {
		return sv.at(i, j) * math.Exp(-math.Log1p(-pv)/av.at(i, j))
	})
}
