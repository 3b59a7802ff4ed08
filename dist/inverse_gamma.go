package dist

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// InverseGamma is the inverse gamma distribution with shape Concentration
// (α) and scale Rate (β), the law of 1/X for X ~ Gamma(α, β): density
// β^α x^(-α-1) e^(-β/x)/Γ(α) on x > 0, applied independently to each
// column. Concentration and Rate broadcast: B x C, 1 x C, B x 1 or 1 x 1.
type InverseGamma struct{ Concentration, Rate ad.Var }

// NewInverseGamma returns InverseGamma(concentration, rate) with scalar
// parameters, or an error if either is not a finite positive number.
func NewInverseGamma(concentration, rate float64) (InverseGamma, error) {
	return InverseGammaOf(scalar(concentration), scalar(rate))
}

// InverseGammaOf returns InverseGamma(concentration, rate) with parameters
// given as ad values (differentiable when recorded on a tape), or an error
// naming the first invalid parameter.
func InverseGammaOf(concentration, rate ad.Var) (InverseGamma, error) {
	d := InverseGamma{Concentration: concentration, Rate: rate}
	return d, d.Validate()
}

// Validate checks that Concentration and Rate are positive and their
// shapes broadcast.
func (d InverseGamma) Validate() error {
	return validateDecl("InverseGamma", d.Concentration, d.Rate)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d InverseGamma) Shape() (int, int) {
	return paramShape("InverseGamma", d.Concentration, d.Rate)
}

// Support returns (0, ∞).
func (InverseGamma) Support() Support { return Positive() }

// LogProb returns Σ_j log InverseGamma(x_ij | α, β) for each row, as one
// fused node with the partials ∂/∂x = (β/x - α - 1)/x,
// ∂/∂α = log(β/x) - ψ(α) and ∂/∂β = α/β - 1/x. Values outside (0, ∞) give
// -Inf.
func (d InverseGamma) LogProb(x ad.Var) ad.Var {
	return fusedCells("InverseGamma", "LogProb", ad.ReduceCols, x, []ad.Var{d.Concentration, d.Rate}, func(v, g *[4]float64, need *[4]bool) float64 {
		xv := v[0]
		if xv <= 0 || math.IsInf(xv, 1) {
			return math.Inf(-1)
		}
		a, rt := v[1], v[2]
		lx, lb := math.Log(xv), math.Log(rt)
		g[0], g[2] = (rt/xv-a-1)/xv, a/rt-1/xv
		if need[1] {
			g[1] = lb - lx - special.Digamma(a)
		}
		// log p(x) = log(y g(y)) - log x with y = β/x, g the Gamma(α, 1)
		// density (logXGammaPDF, accurate for large α).
		return logXGammaPDF(a, rt/xv, lb-lx) - lx
	})
}

// Sample draws n values per batch row as a free constant (see
// reparam.InverseGamma).
func (d InverseGamma) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.InverseGamma(rng, detach(d.Concentration), detach(d.Rate), n)
}

// Rsample draws n values per batch row, differentiable with respect to
// both parameters through implicit reparameterization gradients
// (reparam.InverseGamma).
func (d InverseGamma) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.InverseGamma(rng, d.Concentration, d.Rate, n)
}

// Mean returns β/(α-1) where α > 1 and +Inf elsewhere, B x C.
func (d InverseGamma) Mean() ad.Var {
	return paramCells("InverseGamma", ad.Elementwise, densityRows, []ad.Var{d.Concentration, d.Rate}, func(v, g *[4]float64, _ *[4]bool) float64 {
		a, rt := v[0], v[1]
		if a <= 1 {
			return math.Inf(1)
		}
		m := rt / (a - 1)
		g[0], g[1] = -m/(a-1), 1/(a-1)
		return m
	})
}

// Variance returns β²/((α-1)²(α-2)) where α > 2 and +Inf elsewhere, B x C.
func (d InverseGamma) Variance() ad.Var {
	return paramCells("InverseGamma", ad.Elementwise, densityRows, []ad.Var{d.Concentration, d.Rate}, func(v, g *[4]float64, _ *[4]bool) float64 {
		a, rt := v[0], v[1]
		if a <= 2 {
			return math.Inf(1)
		}
		vr := rt * rt / ((a - 1) * (a - 1) * (a - 2))
		g[0], g[1] = -vr*(2/(a-1)+1/(a-2)), 2*vr/rt
		return vr
	})
}

// Entropy returns Σ_j (α + log β + log Γ(α) - (1+α)ψ(α)) for each batch
// row.
func (d InverseGamma) Entropy() ad.Var {
	return paramCells("InverseGamma", ad.ReduceCols, densityRows, []ad.Var{d.Concentration, d.Rate}, func(v, g *[4]float64, need *[4]bool) float64 {
		a, rt := v[0], v[1]
		if need[0] {
			g[0] = 1 - (1+a)*special.Trigamma(a)
		}
		g[1] = 1 / rt
		return a + math.Log(rt) + special.Lgamma(a) - (1+a)*special.Digamma(a)
	})
}

// CDF returns Q(α, β/x) = 1 - P(α, β/x) element-wise (gonum's
// mathext.GammaIncRegComp, accurate in the lower tail), fused with the
// partials ∂/∂x = g(y) y/x, ∂/∂β = -g(y)/x (g the Gamma(α, 1) density,
// y = β/x) and ∂/∂α = -∂P/∂a(α, y) (special.GammaIncRegDa).
func (d InverseGamma) CDF(x ad.Var) ad.Var {
	return fusedCells("InverseGamma", "CDF", ad.Elementwise, x, []ad.Var{d.Concentration, d.Rate}, func(v, g *[4]float64, need *[4]bool) float64 {
		xv := v[0]
		switch {
		case xv <= 0:
			return 0
		case math.IsInf(xv, 1):
			return 1
		}
		a, rt := v[1], v[2]
		y := rt / xv
		if need[0] || need[2] {
			e := stdGammaDensity(a, y)
			g[0], g[2] = e*y/xv, -e/xv
		}
		if need[1] {
			g[1] = -special.GammaIncRegDa(a, y)
		}
		return mathext.GammaIncRegComp(a, y)
	})
}
