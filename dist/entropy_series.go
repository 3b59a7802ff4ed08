package dist

import "math"

// Entropies of discrete families without a closed form, summed exactly
// over the part of the support that carries the mass:
//
//	H = -Σ_k p_k log p_k,  dH/dθ = -Σ_k p_k log p_k ∂_θ log p_k,
//
// (the second from Σ_k ∂_θ p_k = 0). The sum runs over the window
// mean ± (40 sd + 40) clipped to the support, outside of which the mass
// is below 1e-300 (Chernoff bounds of the Poisson and binomial tails), so
// the truncation error is far below rounding; it costs O(sd) terms.

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
