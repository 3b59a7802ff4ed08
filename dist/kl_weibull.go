package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
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
	return paramCells("KL(Weibull || Weibull)", ad.ReduceCols, divergenceRows, []ad.Var{p.Scale, p.Concentration, q.Scale, q.Concentration}, func(v, g *[4]float64, need *[4]bool) float64 {
		l1, k1, l2, k2 := v[0], v[1], v[2], v[3]
		eps := (k2 - k1) / k1           // a - 1
		L := math.Log1p((l1 - l2) / l2) // log(λ1/λ2)
		kl := gumbelKLTerm(eps, -k2*L)
		if !(need[0] || need[1] || need[2] || need[3]) {
			return kl
		}
		a := k2 / k1
		w := special.Lgamma1pEuler(eps) - eulerGamma*eps + math.Log1p(eps) + k2*L // log Γ(1+a) + k2 L
		em1 := math.Expm1(w)                                                      // (λ1/λ2)^k2 Γ(1+a) - 1
		e := em1 + 1
		psi := special.Digamma(1 + a)
		g[0], g[2] = k2*em1/l1, -k2*em1/l2
		g[1] = (1 - eulerGamma*a - e*a*psi) / k1
		g[3] = -1/k2 + eulerGamma/k1 + em1*L + e*psi/k1
		return kl
	}), nil
}
