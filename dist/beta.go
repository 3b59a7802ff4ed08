package dist

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// Beta is the beta distribution with shapes Concentration1 (α, the
// exponent of x) and Concentration0 (β, the exponent of 1-x), torch's
// names and order: density x^(α-1) (1-x)^(β-1)/B(α, β) on [0, 1], applied
// independently to each column. The parameters broadcast: B x C, 1 x C,
// B x 1 or 1 x 1.
type Beta struct{ Concentration1, Concentration0 ad.Var }

// NewBeta returns Beta(concentration1, concentration0) with scalar
// parameters, or an error if either is not a finite positive number.
func NewBeta(concentration1, concentration0 float64) (Beta, error) {
	return BetaOf(scalar(concentration1), scalar(concentration0))
}

// BetaOf returns Beta(concentration1, concentration0) with parameters given
// as ad values (differentiable when recorded on a tape), or an error
// naming the first invalid parameter.
func BetaOf(concentration1, concentration0 ad.Var) (Beta, error) {
	d := Beta{Concentration1: concentration1, Concentration0: concentration0}
	return d, d.Validate()
}

// Validate checks that both concentrations are positive and their shapes
// broadcast.
func (d Beta) Validate() error {
	return validateDecl("Beta", d.Concentration1, d.Concentration0)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Beta) Shape() (int, int) { return paramShape("Beta", d.Concentration1, d.Concentration0) }

// Support returns [0, 1].
func (Beta) Support() Support { return UnitInterval() }

// LogProb returns Σ_j log Beta(x_ij | α, β) for each row, as one fused node
// with the partials ∂/∂x = (α-1)/x - (β-1)/(1-x),
// ∂/∂α = log x - ψ(α) + ψ(α+β) and ∂/∂β = log(1-x) - ψ(β) + ψ(α+β).
// Values outside [0, 1] give -Inf. At x = 0 and x = 1 the value is the
// limit of the density (0 log 0 = 0, so Beta(1, β) at 0 gives log β) and
// the partials are 0.
func (d Beta) LogProb(x ad.Var) ad.Var {
	return fusedCells("Beta", "LogProb", ad.ReduceCols, x, []ad.Var{d.Concentration1, d.Concentration0}, func(v, g *[4]float64, need *[4]bool) float64 {
		xv := v[0]
		if xv < 0 || xv > 1 {
			return math.Inf(-1)
		}
		a, bb := v[1], v[2]
		lp := special.Xlogy(a-1, xv) + special.Xlog1py(bb-1, -xv) - special.Lbeta(a, bb)
		if xv == 0 || xv == 1 {
			return lp
		}
		g[0] = (a-1)/xv - (bb-1)/(1-xv)
		if need[1] || need[2] {
			ps := special.Digamma(a + bb)
			g[1] = math.Log(xv) - special.Digamma(a) + ps
			g[2] = math.Log1p(-xv) - special.Digamma(bb) + ps
		}
		return lp
	})
}

// Sample draws n values per batch row as a free constant, as X/(X+Y) of
// gamma variates formed in log space (reparam.Beta; draws lie in
// [smallest normal, largest float64 below 1]).
func (d Beta) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Beta(rng, detach(d.Concentration1), detach(d.Concentration0), n)
}

// Rsample draws n values per batch row, differentiable with respect to
// both concentrations through the implicit gamma gradients (reparam.Beta).
func (d Beta) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Beta(rng, d.Concentration1, d.Concentration0, n)
}

// Mean returns α/(α+β), B x C.
func (d Beta) Mean() ad.Var {
	return paramCells("Beta", ad.Elementwise, densityRows, []ad.Var{d.Concentration1, d.Concentration0}, func(v, g *[4]float64, _ *[4]bool) float64 {
		a, bb := v[0], v[1]
		s := a + bb
		g[0], g[1] = bb/(s*s), -a/(s*s)
		return a / s
	})
}

// Variance returns αβ/((α+β)²(α+β+1)), B x C.
func (d Beta) Variance() ad.Var {
	return paramCells("Beta", ad.Elementwise, densityRows, []ad.Var{d.Concentration1, d.Concentration0}, func(v, g *[4]float64, _ *[4]bool) float64 {
		a, bb := v[0], v[1]
		s := a + bb
		vr := a * bb / (s * s * (s + 1))
		common := 2/s + 1/(s+1)
		g[0], g[1] = vr*(1/a-common), vr*(1/bb-common)
		return vr
	})
}

// Entropy returns Σ_j (log B(α, β) - (α-1)ψ(α) - (β-1)ψ(β) + (α+β-2)ψ(α+β))
// for each batch row.
func (d Beta) Entropy() ad.Var {
	return paramCells("Beta", ad.ReduceCols, densityRows, []ad.Var{d.Concentration1, d.Concentration0}, func(v, g *[4]float64, need *[4]bool) float64 {
		a, bb := v[0], v[1]
		s := a + bb
		if need[0] || need[1] {
			ts := (s - 2) * special.Trigamma(s)
			g[0] = ts - (a-1)*special.Trigamma(a)
			g[1] = ts - (bb-1)*special.Trigamma(bb)
		}
		return special.Lbeta(a, bb) - (a-1)*special.Digamma(a) - (bb-1)*special.Digamma(bb) + (s-2)*special.Digamma(s)
	})
}

// CDF returns I_x(α, β) element-wise (gonum's mathext.RegIncBeta; 0 below
// 0 and 1 above 1), fused with the partials ∂/∂x (the density) and
// ∂/∂α, ∂/∂β (special.RegIncBetaDab).
func (d Beta) CDF(x ad.Var) ad.Var {
	return fusedCells("Beta", "CDF", ad.Elementwise, x, []ad.Var{d.Concentration1, d.Concentration0}, func(v, g *[4]float64, need *[4]bool) float64 {
		xv := v[0]
		switch {
		case xv <= 0:
			return 0
		case xv >= 1:
			return 1
		}
		a, bb := v[1], v[2]
		if need[0] {
			g[0] = math.Exp((a-1)*math.Log(xv) + (bb-1)*math.Log1p(-xv) - special.Lbeta(a, bb))
		}
		if need[1] || need[2] {
			g[1], g[2] = special.RegIncBetaDab(a, bb, xv)
		}
		return mathext.RegIncBeta(a, bb, xv)
	})
}
