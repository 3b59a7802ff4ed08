package dist

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// Gamma is the gamma distribution with shape Concentration (α) and inverse
// scale Rate (β), density β^α x^(α-1) e^(-βx)/Γ(α) on x > 0, applied
// independently to each column. Concentration and Rate broadcast: B x C,
// 1 x C, B x 1 or 1 x 1.
type Gamma struct{ Concentration, Rate ad.Var }

// NewGamma returns Gamma(concentration, rate) with scalar parameters, or an
// error if either is not a finite positive number.
func NewGamma(concentration, rate float64) (Gamma, error) {
	return GammaOf(scalar(concentration), scalar(rate))
}

// GammaOf returns Gamma(concentration, rate) with parameters given as ad
// values (differentiable when recorded on a tape), or an error naming the
// first invalid parameter.
func GammaOf(concentration, rate ad.Var) (Gamma, error) {
	d := Gamma{Concentration: concentration, Rate: rate}
	return d, d.Validate()
}

// Validate checks that Concentration and Rate are positive and their
// shapes broadcast.
func (d Gamma) Validate() error {
	return validateDecl("Gamma", d.Concentration, d.Rate)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Gamma) Shape() (int, int) { return paramShape("Gamma", d.Concentration, d.Rate) }

// Support returns (0, ∞).
func (Gamma) Support() Support { return Positive() }

// LogProb returns Σ_j log Gamma(x_ij | α, β) for each row, computed as
// log(y g(y)) - log x with y = βx and g the Gamma(α, 1) density
// (logXGammaPDF, accurate for large α), as one fused node with the
// partials ∂/∂x = (α-1)/x - β, ∂/∂α = log(βx) - ψ(α) and
// ∂/∂β = α/β - x. Values outside (0, ∞) give -Inf.
func (d Gamma) LogProb(x ad.Var) ad.Var {
	return fusedCells("Gamma", "LogProb", ad.ReduceCols, x, []ad.Var{d.Concentration, d.Rate}, func(v, g *[4]float64, need *[4]bool) float64 {
		xv := v[0]
		if xv <= 0 || math.IsInf(xv, 1) {
			return math.Inf(-1)
		}
		a, rt := v[1], v[2]
		lx, lb := math.Log(xv), math.Log(rt)
		g[0], g[2] = (a-1)/xv-rt, a/rt-xv
		if need[1] {
			g[1] = lb + lx - special.Digamma(a)
		}
		return logXGammaPDF(a, rt*xv, lb+lx) - lx
	})
}

// Sample draws n values per batch row as a free constant (Marsaglia-Tsang;
// draws are at least the smallest normal float64, see reparam.Gamma).
func (d Gamma) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Gamma(rng, detach(d.Concentration), detach(d.Rate), n)
}

// Rsample draws n values per batch row, differentiable with respect to
// both parameters through implicit reparameterization gradients
// (reparam.Gamma).
func (d Gamma) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Gamma(rng, d.Concentration, d.Rate, n)
}

// Mean returns α/β broadcast to B x C.
func (d Gamma) Mean() ad.Var {
	b, c := d.Shape()
	return expand(ad.Div(d.Concentration, d.Rate), b, c)
}

// Variance returns α/β² broadcast to B x C.
func (d Gamma) Variance() ad.Var {
	b, c := d.Shape()
	return expand(ad.Div(d.Concentration, ad.Square(d.Rate)), b, c)
}

// Entropy returns Σ_j (α - log β + log Γ(α) + (1-α)ψ(α)) for each batch
// row.
func (d Gamma) Entropy() ad.Var {
	return paramCells("Gamma", ad.ReduceCols, densityRows, []ad.Var{d.Concentration, d.Rate}, func(v, g *[4]float64, need *[4]bool) float64 {
		a, rt := v[0], v[1]
		if need[0] {
			g[0] = 1 + (1-a)*special.Trigamma(a)
		}
		g[1] = -1 / rt
		return gammaEntropy1(a) - math.Log(rt)
	})
}

// logXGammaPDF returns log(y g(y)) = a log y - y - log Γ(a) for the
// Gamma(a, 1) density g, given y and log y: for a >= 10 by
// special.LogXGammaPDF, which avoids the cancellation of the terms of
// size a log a (six digits at a = 1e5 in the direct form).
func logXGammaPDF(a, y, logy float64) float64 {
	if a >= 10 && y > 0 && !math.IsInf(y, 1) {
		return special.LogXGammaPDF(a, y)
	}
	return a*logy - y - special.Lgamma(a)
}

// gammaEntropy1 returns the entropy of Gamma(a, 1),
// a + log Γ(a) + (1-a)ψ(a).
func gammaEntropy1(a float64) float64 {
	return a + special.Lgamma(a) + (1-a)*special.Digamma(a)
}

// CDF returns P(α, βx) element-wise (gonum's mathext.GammaIncReg), fused
// with the partials ∂/∂x = β g(βx), ∂/∂β = x g(βx), g the Gamma(α, 1)
// density, and ∂/∂α = ∂P/∂a (special.GammaIncRegDa).
func (d Gamma) CDF(x ad.Var) ad.Var {
	return fusedCells("Gamma", "CDF", ad.Elementwise, x, []ad.Var{d.Concentration, d.Rate}, func(v, g *[4]float64, need *[4]bool) float64 {
		xv := v[0]
		if xv <= 0 {
			return 0
		}
		a, rt := v[1], v[2]
		y := rt * xv
		if need[0] || need[2] {
			e := stdGammaDensity(a, y)
			g[0], g[2] = rt*e, xv*e
		}
		if need[1] {
			g[1] = special.GammaIncRegDa(a, y)
		}
		return mathext.GammaIncReg(a, y)
	})
}

// stdGammaDensity returns y^(a-1) e^(-y)/Γ(a) for y >= 0 (0 at y = +Inf).
func stdGammaDensity(a, y float64) float64 {
	if math.IsInf(y, 1) {
		return 0
	}
	return math.Exp(special.Xlogy(a-1, y) - y - special.Lgamma(a))
}
