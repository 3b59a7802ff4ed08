package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klContinuousBernoulli)
}

// klContinuousBernoulli is KL(CB(p) || CB(q)), torch's
// mean_p (η_p - η_q) + log C(p) + log(1-p) - log C(q) - log(1-q), summed
// over columns; each side may be given by probs or logits.
//
// As an exponential family with log-normalizer Ψ, the divergence is the
// Bregman divergence Ψ(η_q) - Ψ(η_p) - Ψ'(η_p)(η_q - η_p), which in
// s = η/2 (Ψ(η) = s + S(s), S(s) = log(sinh(s)/s), S' = L the Langevin
// function) is D = S(s_q) - S(s_p) - L(s_p)(s_q - s_p). It is evaluated
// in one of three ways, each without catastrophic cancellation:
//
//   - |s_q - s_p| <= 1: ∫_{s_p}^{s_q} (s_q - t) L'(t) dt by Gauss-Legendre
//     quadrature (L' is analytic within π of the real line, so a rule of 3
//     to 20 points chosen from that distance is exact to rounding); this
//     covers p ≈ q, where the
//     direct form cancels to second order, and λ ≈ ½, where torch's form
//     is singular-looking.
//   - s_p, s_q of one sign with |s| >= 1: with σ = |s| and
//     S(σ) = σ - log 2σ + h(σ), h(σ) = log1p(-e^{-2σ}),
//     D = [t - log1p(t)] + [h(σ_q) - h(σ_p) - h'(σ_p)(σ_q - σ_p)],
//     t = (σ_q - σ_p)/σ_p, the first bracket by special.LogRatioM1.
//   - otherwise S(s_q) - S(s_p) - L(s_p)(s_q - s_p) directly.
//
// When both sides are given by probs, η_q - η_p is computed as
// log1p((λ_q - λ_p)/λ_p) - log1p((λ_p - λ_q)/(1 - λ_p)), which keeps its
// relative accuracy for λ_p ≈ λ_q.
//
// Partials: ∂D/∂η_p = -L'(s_p)(s_q - s_p)/2, ∂D/∂η_q = (L(s_q) - L(s_p))/2,
// times dη/dλ = 1/(λ(1-λ)) for a side given by probs.
func klContinuousBernoulli(p, q ContinuousBernoulli) (ad.Var, error) {
	pp, pl := p.param()
	qp, ql := q.param()
	return paramCellsPar("KL(ContinuousBernoulli || ContinuousBernoulli)", ad.ReduceCols, divergenceRows, 1<<12, []ad.Var{pp, qp}, func(v, g *[4]float64, need *[4]bool) float64 {
		lp, lq := v[0], v[1]
		ep, dep := cbNatural(lp, pl)
		eq, deq := cbNatural(lq, ql)
		sp, sq := ep/2, eq/2
		d := (eq - ep) / 2
		if !pl && !ql {
			// η_q - η_p from the probs directly: λ_q - λ_p is exact
			// when they are close, so d keeps its relative accuracy
			// (the difference of the rounded η would not).
			d = (math.Log1p((lq-lp)/lp) - math.Log1p((lp-lq)/(1-lp))) / 2
		}
		if need[0] {
			g[0] = -special.LangevinDeriv(sp) * (sq - sp) / 2 * dep
		}
		if need[1] {
			g[1] = (special.Langevin(sq) - special.Langevin(sp)) / 2 * deq
		}
		return cbBregman(sp, sq, d)
	}), nil
}

// cbBregman returns S(sq) - S(sp) - L(sp)(sq - sp) for S = LogSinhc, given
// d = sq - sp; see klContinuousBernoulli.
func cbBregman(sp, sq, d float64) float64 {
	if d == 0 {
		return 0
	}
	if math.Abs(d) <= 1 {
		var s float64
		h, mid := d/2, (sp+sq)/2
		// L' has its singularities at ±iπ, ±2iπ, ...
		xs, ws := miscGLRule(math.Hypot(mid, math.Pi) / math.Abs(h))
		for j, x := range xs {
			// sq - t = h(1 - x), exact in terms of d.
			s += ws[j] * (1 - x) * special.LangevinDeriv(mid+h*x)
		}
		return s * h * h
	}
	if sp*sq > 0 && math.Abs(sp) >= 1 && math.Abs(sq) >= 1 {
		ap, aq := math.Abs(sp), math.Abs(sq)
		t := (aq - ap) / ap
		hp := math.Log1p(-math.Exp(-2 * ap))
		hq := math.Log1p(-math.Exp(-2 * aq))
		dhp := 2 / math.Expm1(2*ap)
		return special.LogRatioM1(math.Log1p(t)) + (hq - hp - dhp*(aq-ap))
	}
	return special.LogSinhc(sq) - special.LogSinhc(sp) - special.Langevin(sp)*d
}
