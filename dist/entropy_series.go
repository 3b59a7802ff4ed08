package dist

import (
	"math"

	"github.com/kldiv/kldiv/internal/special"
)

// Entropies of discrete families without a closed form, summed exactly
// over the part of the support that carries the mass:
//
//	H = -Σ_k p_k log p_k,  dH/dθ = -Σ_k p_k log p_k ∂_θ log p_k,
//
// (the second from Σ_k ∂_θ p_k = 0). The sum runs over the window
// mean ± (40 sd + 40) clipped to the support, outside of which the mass
// is below 1e-300 (Chernoff bounds of the Poisson and binomial tails), so
// the truncation error is far below rounding; it costs O(sd) terms.
//
// The log-masses are taken in Loader's (2000) saddle-point form, with
// Binet's function μ (the Stirling remainder, internal/special) and
// bd0(x, m) = x log(x/m) + m - x computed without cancellation:
//
//	log Poisson(k; λ)   = -μ(k) - ½ log 2πk - bd0(k, λ),
//	log Binomial(k; n, p) = μ(n) - μ(k) - μ(n-k) - ½ log(2πk(n-k)/n)
//	                        - bd0(k, np) - bd0(n-k, nq),
//
// whose terms are of the size of the result. The direct forms
// (k log λ - λ - log k!) lose about 1e-16·λ log λ in absolute terms, which
// is 1e-11 relative in the entropy at λ or n = 1e5.

// seriesWindow returns the first and last k of the window around mean
// with standard deviation sd, clipped to [0, hi].
func seriesWindow(mean, sd, hi float64) (lo, up float64) {
	w := 40*sd + 40
	lo = math.Max(0, math.Floor(mean-w))
	up = math.Min(hi, math.Ceil(mean+w))
	return lo, up
}

// entropySeries returns -Σ p_k log p_k and -Σ p_k log p_k s_k over
// k = lo..up, where logp(k) returns log p_k and the score s_k.
func entropySeries(lo, up float64, logp func(k float64) (lp, score float64)) (h, dh float64) {
	for k := lo; k <= up; k++ {
		lp, s := logp(k)
		if math.IsInf(lp, -1) {
			continue
		}
		t := math.Exp(lp) * lp
		h -= t
		dh -= t * s
	}
	return h, dh
}

// bd0 returns x log(x/m) + m - x ≥ 0 with relative accuracy (Loader 2000):
// near x = m by the series (x-m) v + 2x Σ_{j≥1} v^(2j+1)/(2j+1) in
// v = (x-m)/(x+m), where the direct form would cancel.
func bd0(x, m float64) float64 {
	if math.Abs(x-m) < 0.1*(x+m) {
		v := (x - m) / (x + m)
		s := (x - m) * v
		ej := 2 * x * v
		v2 := v * v
		for j := 1; j < 1000; j++ {
			ej *= v2
			s1 := s + ej/float64(2*j+1)
			if s1 == s {
				return s1
			}
			s = s1
		}
		return s
	}
	return x*math.Log(x/m) + m - x
}

// poissonLogPMFSaddle returns log Poisson(k; λ) for an integer k >= 0 and
// λ > 0 in the saddle-point form.
func poissonLogPMFSaddle(k, lam float64) float64 {
	if k == 0 {
		return -lam
	}
	return -special.Binet(k) - 0.5*math.Log(2*math.Pi*k) - bd0(k, lam)
}

// binomialLogPMFSaddle returns log Binomial(k; n, p) for an integer
// 0 <= k <= n, 0 < p < 1, in the saddle-point form, given q = 1-p and
// log p, log q (passed for their accuracy).
func binomialLogPMFSaddle(k, n, p, q, lp, lq float64) float64 {
	switch k {
	case 0:
		return n * lq
	case n:
		return n * lp
	}
	return special.Binet(n) - special.Binet(k) - special.Binet(n-k) - bd0(k, n*p) - bd0(n-k, n*q) - 0.5*math.Log(2*math.Pi*k*(n-k)/n)
}
