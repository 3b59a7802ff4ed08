package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
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
	b, c := paramShape("KL(Gumbel || Gumbel)", p.Loc, p.Scale, q.Loc, q.Scale)
	f := ad.NewFused(b, c, ad.ReduceCols, p.Loc, p.Scale, q.Loc, q.Scale)
	out := f.Out()
	dm1, ds1, dm2, ds2 := f.Partial(0), f.Partial(1), f.Partial(2), f.Partial(3)
	m1, s1, m2, s2 := viewOf(p.Loc), viewOf(p.Scale), viewOf(q.Loc), viewOf(q.Scale)
	par.For(b, 1<<13, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var acc float64
			for j := 0; j < c; j++ {
				sa, sb := s1.at(i, j), s2.at(i, j)
				eps := (sa - sb) / sb // r - 1, exact subtraction near p = q
				r := sa / sb
				delta := (m1.at(i, j) - m2.at(i, j)) / sb
				acc += gumbelKLTerm(eps, delta)
				k := i*c + j
				if dm1 == nil && ds1 == nil && dm2 == nil && ds2 == nil {
					continue
				}
				w := special.Lgamma1pEuler(eps) - eulerGamma*eps + math.Log1p(eps) - delta // log Γ(1+r) - δ
				em1 := math.Expm1(w)                                                       // e^{-δ} Γ(1+r) - 1
				psi := special.Digamma(1 + r)
				if dm1 != nil {
					dm1[k] = -em1 / sb
				}
				if dm2 != nil {
					dm2[k] = em1 / sb
				}
				if ds1 != nil {
					ds1[k] = -1/sa + (eulerGamma+(em1+1)*psi)/sb
				}
				if ds2 != nil {
					ds2[k] = (1 + em1*delta - r*(eulerGamma+(em1+1)*psi)) / sb
				}
			}
			out[i] = acc
		}
	})
	return f.Var(), nil
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
