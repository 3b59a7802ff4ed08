package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klGumbelGumbel)
}

// klGumbelGumbel is KL(Gumbel(m1, b1) || Gumbel(m2, b2)), summed over
// columns. With r = b1/b2 and δ = (m1 - m2)/b2, taking expectations of
// log p - log q under x = m1 + b1 G, E[G] = γ, E[e^{-tG}] = Γ(1+t):
//
//	KL = -log r + γ(r - 1) + δ + e^{-δ} Γ(1+r) - 1.
//
// With w = log Γ(1+r) - δ this is (e^w - 1 - w) + (log Γ(r) + γ(r - 1)):
// two non-negative terms (the second by convexity of log Γ), the first
// evaluated with special.LogRatioM1 and the second with
// special.Lgamma1pEuler(r - 1), so no digit is lost near p = q.
func klGumbelGumbel(p, q Gumbel) (ad.Var, error) {
	return paramCells("KL(Gumbel || Gumbel)", ad.ReduceCols, divergenceRows, []ad.Var{p.Loc, p.Scale, q.Loc, q.Scale}, func(v, g *[4]float64, need *[4]bool) float64 {
		sa, sb := v[1], v[3]
		eps := (sa - sb) / sb // r - 1, exact subtraction near p = q
		delta := (v[0] - v[2]) / sb
		kl := gumbelKLTerm(eps, delta)
		if !(need[0] || need[1] || need[2] || need[3]) {
			return kl
		}
		r := sa / sb
		w := special.Lgamma1pEuler(eps) - eulerGamma*eps + math.Log1p(eps) - delta // log Γ(1+r) - δ
		em1 := math.Expm1(w)                                                       // e^{-δ} Γ(1+r) - 1
		psi := special.Digamma(1 + r)
		g[0], g[2] = -em1/sb, em1/sb
		g[1] = -1/sa + (eulerGamma+(em1+1)*psi)/sb
		g[3] = (1 + em1*delta - r*(eulerGamma+(em1+1)*psi)) / sb
		return kl
	}), nil
}

// gumbelKLTerm returns (e^w - 1 - w) + (log Γ(r) + γ(r - 1)) with
// r = 1 + eps and w = log Γ(1+r) - δ: the KL between Gumbel distributions
// with scale ratio r and standardized location difference δ (see
// klGumbelGumbel), and, with r = k2/k1 and δ = -k2 log(λ1/λ2), between
// Weibull distributions. Passing r - 1 rather than r keeps its relative
// accuracy when the scales are close.
func gumbelKLTerm(eps, delta float64) float64 {
	h := special.Lgamma1pEuler(eps) // log Γ(r) + γ(r - 1)
	// log Γ(1+r) = log Γ(r) + log r = h - γ(r-1) + log r.
	w := h - eulerGamma*eps + math.Log1p(eps) - delta
	return special.LogRatioM1(w) + h
}
