package dist

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// Chi2 is the chi-squared distribution with Df degrees of freedom (k), the
// Gamma(k/2, rate 1/2) distribution, density
// x^(k/2-1) e^(-x/2)/(2^(k/2) Γ(k/2)) on x > 0, applied independently to
// each column. Df is B x C, 1 x C, B x 1 or 1 x 1; it need not be an
// integer.
type Chi2 struct{ Df ad.Var }

// NewChi2 returns Chi2(df) with a scalar parameter, or an error if df is
// not a finite positive number.
func NewChi2(df float64) (Chi2, error) { return Chi2Of(scalar(df)) }

// Chi2Of returns Chi2(df) with df given as an ad value (differentiable when
// recorded on a tape), or an error if it is invalid.
func Chi2Of(df ad.Var) (Chi2, error) {
	d := Chi2{Df: df}
	return d, d.Validate()
}

// Validate checks that Df is positive.
func (d Chi2) Validate() error {
	return validateDecl("Chi2", d.Df)
}

// Shape returns the batch size and event width of Df.
func (d Chi2) Shape() (int, int) { return paramShape("Chi2", d.Df) }

// Support returns (0, ∞).
func (Chi2) Support() Support { return Positive() }

// LogProb returns Σ_j log χ²(x_ij | k) for each row, as one fused node with
// the partials ∂/∂x = (k/2-1)/x - 1/2 and ∂/∂k = (log(x/2) - ψ(k/2))/2.
// Values outside (0, ∞) give -Inf.
func (d Chi2) LogProb(x ad.Var) ad.Var {
	return fusedCells("Chi2", "LogProb", ad.ReduceCols, x, []ad.Var{d.Df}, func(v, g *[4]float64, need *[4]bool) float64 {
		xv := v[0]
		if xv <= 0 || math.IsInf(xv, 1) {
			return math.Inf(-1)
		}
		h := v[1] / 2
		lx := math.Log(xv)
		g[0] = (h-1)/xv - 0.5
		if need[1] {
			g[1] = (lx - math.Ln2 - special.Digamma(h)) / 2
		}
		return logXGammaPDF(h, xv/2, lx-math.Ln2) - lx
	})
}

// Sample draws n values per batch row as a free constant (see
// reparam.Chi2).
func (d Chi2) Sample(rng *rand.Rand, n int) ad.Var { return reparam.Chi2(rng, detach(d.Df), n) }

// Rsample draws n values per batch row, differentiable with respect to Df
// through implicit reparameterization gradients (reparam.Chi2).
func (d Chi2) Rsample(rng *rand.Rand, n int) ad.Var { return reparam.Chi2(rng, d.Df, n) }

// Mean returns k.
func (d Chi2) Mean() ad.Var { return d.Df }

// Variance returns 2k.
func (d Chi2) Variance() ad.Var { return ad.Scale(d.Df, 2) }

// Entropy returns Σ_j (k/2 + log 2 + log Γ(k/2) + (1 - k/2)ψ(k/2)) for each
// batch row.
func (d Chi2) Entropy() ad.Var {
	return paramCells("Chi2", ad.ReduceCols, densityRows, []ad.Var{d.Df}, func(v, g *[4]float64, need *[4]bool) float64 {
		h := v[0] / 2
		if need[0] {
			g[0] = (1 + (1-h)*special.Trigamma(h)) / 2
		}
		return gammaEntropy1(h) + math.Ln2
	})
}

// CDF returns P(k/2, x/2) element-wise (gonum's mathext.GammaIncReg), fused
// with the partials ∂/∂x (the density) and ∂/∂k = ½ ∂P/∂a
// (special.GammaIncRegDa).
func (d Chi2) CDF(x ad.Var) ad.Var {
	return fusedCells("Chi2", "CDF", ad.Elementwise, x, []ad.Var{d.Df}, func(v, g *[4]float64, need *[4]bool) float64 {
		xv := v[0]
		if xv <= 0 {
			return 0
		}
		h, y := v[1]/2, xv/2
		if need[0] {
			g[0] = stdGammaDensity(h, y) / 2
		}
		if need[1] {
			g[1] = special.GammaIncRegDa(h, y) / 2
		}
		return mathext.GammaIncReg(h, y)
	})
}
