package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klWeibullWeibull)
}

// klWeibullWeibull is KL(Weibull(λ1, k1) || Weibull(λ2, k2)), summed over
// columns. Bauckhage (2013), "Computing the Kullback-Leibler divergence
// between two Weibull distributions", eq. (10):
//
//	KL = log(k1/λ1^k1) - log(k2/λ2^k2) + (k1 - k2)(log λ1 - γ/k1)
//	     + (λ1/λ2)^k2 Γ(k2/k1 + 1) - 1.
//
// With a = k2/k1 and L = log(λ1/λ2) this is
// -log a + γ(a - 1) - k2 L + e^{k2 L} Γ(1+a) - 1, the Gumbel form of
// klGumbelGumbel with r = a and δ = -k2 L (log X is a reflected Gumbel
// variable with location log λ and scale 1/k, and KL is invariant under
// bijections): (e^w - 1 - w) + (log Γ(a) + γ(a - 1)) with
// w = log Γ(1+a) + k2 L, two non-negative terms computed without
// cancellation near p = q.
func klWeibullWeibull(p, q Weibull) (ad.Var, error) {
	b, c := paramShape("KL(Weibull || Weibull)", p.Scale, p.Concentration, q.Scale, q.Concentration)
	f := ad.NewFused(b, c, ad.ReduceCols, p.Scale, p.Concentration, q.Scale, q.Concentration)
	out := f.Out()
	dl1, dk1, dl2, dk2 := f.Partial(0), f.Partial(1), f.Partial(2), f.Partial(3)
	l1v, k1v, l2v, k2v := viewOf(p.Scale), viewOf(p.Concentration), viewOf(q.Scale), viewOf(q.Concentration)
	par.For(b, 1<<13, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var acc float64
			for j := 0; j < c; j++ {
				l1, k1, l2, k2 := l1v.at(i, j), k1v.at(i, j), l2v.at(i, j), k2v.at(i, j)
				eps := (k2 - k1) / k1 // a - 1
				a := k2 / k1
				L := math.Log1p((l1 - l2) / l2) // log(λ1/λ2)
				acc += gumbelKLTerm(eps, -k2*L)
				idx := i*c + j
				if dl1 == nil && dk1 == nil && dl2 == nil && dk2 == nil {
					continue
				}
				w := special.Lgamma1pEuler(eps) - eulerGamma*eps + math.Log1p(eps) + k2*L // log Γ(1+a) + k2 L
				em1 := math.Expm1(w)                                                      // (λ1/λ2)^k2 Γ(1+a) - 1
				e := em1 + 1
				psi := special.Digamma(1 + a)
				if dl1 != nil {
					dl1[idx] = k2 * em1 / l1
				}
				if dl2 != nil {
					dl2[idx] = -k2 * em1 / l2
				}
				if dk1 != nil {
					dk1[idx] = (1 - eulerGamma*a - e*a*psi) / k1
				}
				if dk2 != nil {
					dk2[idx] = -1/k2 + eulerGamma/k1 + em1*L + e*psi/k1
				}
			}
			out[i] = acc
		}
	})
	return f.Var(), nil
}
