package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klGammaGamma)
	RegisterKL(klInverseGammaInverseGamma)
	registerKind(Structural, func(p, q Chi2) (ad.Var, error) { return klGammaGamma(chi2AsGamma(p), chi2AsGamma(q)) })
	registerKind(Structural, func(p Chi2, q Gamma) (ad.Var, error) { return klGammaGamma(chi2AsGamma(p), q) })
	registerKind(Structural, func(p Gamma, q Chi2) (ad.Var, error) { return klGammaGamma(p, chi2AsGamma(q)) })
}

// chi2AsGamma returns χ²(k) as Gamma(k/2, 1/2).
func chi2AsGamma(d Chi2) Gamma {
	return Gamma{Concentration: ad.Scale(d.Df, 0.5), Rate: scalar(0.5)}
}

// klGammaGamma is KL(Gamma(α₁, β₁) || Gamma(α₂, β₂)), summed over columns;
// see klGammaKernel.
func klGammaGamma(p, q Gamma) (ad.Var, error) {
	return klGammaKernel("KL(Gamma || Gamma)", p.Concentration, p.Rate, q.Concentration, q.Rate), nil
}

// klInverseGammaInverseGamma is KL(InverseGamma(α₁, β₁) ||
// InverseGamma(α₂, β₂)). x ↦ 1/x maps InverseGamma(α, β) onto
// Gamma(α, β), and KL is invariant under bijections, so it is the gamma
// formula with the same parameters.
func klInverseGammaInverseGamma(p, q InverseGamma) (ad.Var, error) {
	return klGammaKernel("KL(InverseGamma || InverseGamma)", p.Concentration, p.Rate, q.Concentration, q.Rate), nil
}

// klGammaKernel returns, per row summed over columns,
//
//	KL = (α₁-α₂)ψ(α₁) - log Γ(α₁) + log Γ(α₂) + α₂ log(β₁/β₂) + α₁(β₂-β₁)/β₁
//	   = D(α₁, α₂) + α₁(r - 1 - log r) - (α₂ - α₁) log r,   r = β₂/β₁,
//
// with D(a, b) = log Γ(b) - log Γ(a) - (b-a)ψ(a) from
// special.LgammaBregman and r - 1 - log r from special.LogRatioM1 of
// log r (log1p of the exact difference when r is near 1). Each of the
// three terms keeps its relative accuracy as p → q (the naive form
// cancels to noise there), and the sum is the positive-definite Fisher
// quadratic to leading order. Partials:
// ∂/∂α₁ = (α₁-α₂)ψ₁(α₁) + r - 1, ∂/∂α₂ = ψ(α₂) - ψ(α₁) - log r,
// ∂/∂β₁ = (α₂ - α₁r)/β₁, ∂/∂β₂ = (α₁r - α₂)/β₂.
func klGammaKernel(name string, a1v, b1v, a2v, b2v ad.Var) ad.Var {
	return paramCellsPar(name, ad.ReduceCols, divergenceRows, 1<<11, []ad.Var{a1v, b1v, a2v, b2v}, func(v, g *[4]float64, need *[4]bool) float64 {
		a1, b1, a2, b2 := v[0], v[1], v[2], v[3]
		lr := logRatioGamma(b2, b1)
		if need[0] || need[1] || need[3] {
			rm1 := math.Expm1(lr) // r - 1
			if need[0] {
				g[0] = (a1-a2)*special.Trigamma(a1) + rm1
			}
			// α₂ - α₁r = (α₂ - α₁) - α₁(r - 1)
			e := (a2 - a1) - a1*rm1
			g[1], g[3] = e/b1, -e/b2
		}
		if need[2] {
			g[2] = special.Digamma(a2) - special.Digamma(a1) - lr
		}
		return special.LgammaBregman(a1, a2) + a1*special.LogRatioM1(lr) - (a2-a1)*lr
	})
}

// logRatioGamma returns log(x/y) for x, y > 0, from log1p of the exact
// difference when x/y is in [1/2, 2] (Sterbenz), so that a ratio near 1
// keeps its relative accuracy.
func logRatioGamma(x, y float64) float64 {
	if x <= 2*y && y <= 2*x {
		return math.Log1p((x - y) / y)
	}
	return math.Log(x / y)
}
