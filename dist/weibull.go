package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// Weibull is the Weibull distribution with scale Scale (λ) and shape
// Concentration (k): density (k/λ)(x/λ)^{k-1} exp(-(x/λ)^k) for x >= 0,
// applied independently to each column. Scale and Concentration
// broadcast: B x C, 1 x C, B x 1 or 1 x 1.
type Weibull struct{ Scale, Concentration ad.Var }

// NewWeibull returns Weibull(scale, concentration) with scalar
// parameters, or an error if either is not positive.
func NewWeibull(scale, concentration float64) (Weibull, error) {
	return WeibullOf(scalar(scale), scalar(concentration))
}

// WeibullOf returns Weibull(scale, concentration) with parameters given as
// ad values (differentiable when recorded on a tape), or an error naming
// the first invalid parameter.
func WeibullOf(scale, concentration ad.Var) (Weibull, error) {
	d := Weibull{Scale: scale, Concentration: concentration}
	return d, d.Validate()
}

// Validate checks that Scale and Concentration are positive and that
// their shapes broadcast.
func (d Weibull) Validate() error {
	return validateDecl("Weibull", d.Scale, d.Concentration)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Weibull) Shape() (int, int) { return paramShape("Weibull", d.Scale, d.Concentration) }

// Support returns (0, ∞).
func (Weibull) Support() Support { return Positive() }

// LogProb returns Σ_j (log(k/λ) + (k-1) log(x_ij/λ) - (x_ij/λ)^k) for each
// row (-Inf where x < 0), as one fused node with analytic partials for x,
// scale and concentration. At the boundary x = 0 it returns the limit
// (-log λ for k = 1, -Inf for k > 1, +Inf for k < 1) with zero partials.
func (d Weibull) LogProb(x ad.Var) ad.Var {
	return fusedCells("Weibull", "LogProb", ad.ReduceCols, x, []ad.Var{d.Scale, d.Concentration}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if !(xv >= 0) {
			return math.Inf(-1) // wins over a +Inf boundary term (x = 0, k < 1)
		}
		lam, k := v[1], v[2]
		if xv == 0 {
			return math.Log(k/lam) + special.Xlogy(k-1, 0)
		}
		l := math.Log(xv / lam)
		tk := math.Exp(k * l) // (x/λ)^k
		g[0], g[1], g[2] = ((k-1)-k*tk)/xv, k*(tk-1)/lam, 1/k-l*math.Expm1(k*l)
		return math.Log(k/lam) + (k-1)*l - tk
	})
}

// Sample draws n values per batch row as a free constant.
func (d Weibull) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Weibull(rng, detach(d.Scale), detach(d.Concentration), n)
}

// Rsample draws n values per batch row as λ E^{1/k}, E ~ Exp(1),
// differentiable with respect to scale and concentration.
func (d Weibull) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Weibull(rng, d.Scale, d.Concentration, n)
}

// Mean returns λ Γ(1 + 1/k) element-wise, B x C, as one fused node.
func (d Weibull) Mean() ad.Var {
	return paramCells("Weibull", ad.Elementwise, densityRows, []ad.Var{d.Scale, d.Concentration}, func(v, g *[4]float64, need *[4]bool) float64 {
		lam, k := v[0], v[1]
		gm := math.Exp(special.Lgamma(1 + 1/k))
		g[0] = gm
		if need[1] {
			g[1] = -lam * gm * special.Digamma(1+1/k) / (k * k)
		}
		return lam * gm
	})
}

// Variance returns λ² (Γ(1 + 2/k) - Γ(1 + 1/k)²) element-wise, B x C, as
// one fused node. It is evaluated as λ² Γ(1+1/k)² expm1(D) with
// D = log Γ(1+2ε) - 2 log Γ(1+ε), ε = 1/k, and
// D = h(2ε) - 2h(ε) with h = special.Lgamma1pEuler, so it keeps its
// relative accuracy at large k, where the difference of gamma functions
// cancels (torch loses every digit by k ≈ 1e8).
func (d Weibull) Variance() ad.Var {
	return paramCells("Weibull", ad.Elementwise, densityRows, []ad.Var{d.Scale, d.Concentration}, func(v, g *[4]float64, need *[4]bool) float64 {
		lam, k := v[0], v[1]
		eps := 1 / k
		dd := special.Lgamma1pEuler(2*eps) - 2*special.Lgamma1pEuler(eps)
		g1sq := math.Exp(2 * special.Lgamma(1+eps))
		vr := lam * lam * g1sq * math.Expm1(dd)
		g[0] = 2 * vr / lam
		if need[1] {
			// dV/dε = 2λ²Γ(1+ε)² (e^D ψ(1+2ε) - ψ(1+ε)); dε/dk = -1/k².
			dv := 2 * lam * lam * g1sq * (math.Exp(dd)*special.Digamma(1+2*eps) - special.Digamma(1+eps))
			g[1] = -dv * eps * eps
		}
		return vr
	})
}

// Entropy returns Σ_j (γ(1 - 1/k_j) + log(λ_j/k_j) + 1) for each batch row
// (γ the Euler–Mascheroni constant).
func (d Weibull) Entropy() ad.Var {
	b, c := d.Shape()
	h := ad.Add(ad.Log(ad.Div(d.Scale, d.Concentration)), ad.Scale(ad.Pow(d.Concentration, -1), -eulerGamma))
	return sumColsLike(ad.Shift(h, eulerGamma+1), b, c)
}

// CDF returns 1 - exp(-(x/λ)^k) = -expm1(-(x/λ)^k) element-wise (0 where
// x <= 0).
func (d Weibull) CDF(x ad.Var) ad.Var {
	return fusedCells("Weibull", "CDF", ad.Elementwise, x, []ad.Var{d.Scale, d.Concentration}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if !(xv > 0) {
			return 0
		}
		lam, k := v[1], v[2]
		l := math.Log(xv / lam)
		tk := math.Exp(k * l)
		e := tk * math.Exp(-tk) // (x/λ)^k exp(-(x/λ)^k)
		g[0], g[1], g[2] = k*e/xv, -k*e/lam, l*e
		return -math.Expm1(-tk)
	})
}

// Quantile returns λ (-log1p(-p))^{1/k} element-wise for probabilities p
// (a free constant; no gradient).
func (d Weibull) Quantile(p ad.Var) ad.Var {
	sv, kv := viewOf(d.Scale), viewOf(d.Concentration)
	return pointwise("Weibull", "Quantile", p, []ad.Var{d.Scale, d.Concentration}, func(i, j int, pv float64) float64 {
		return sv.at(i, j) * math.Pow(-math.Log1p(-pv), 1/kv.at(i, j))
	})
}
