package estimators

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
)

// Score-function (REINFORCE, likelihood-ratio) gradients: for x ~ q_θ and
// a function f that does not depend on θ,
//
//	∇_θ E_q[f(x)] = E_q[(f(x) - b) ∇_θ log q_θ(x)]
//
// for any baseline b independent of x (Williams 1992), because
// E_q[∇_θ log q_θ(x)] = 0. The functions here build a surrogate loss on an
// ad.Tape whose gradient is the Monte Carlo estimate of the right-hand
// side, so that one Backward gives the estimator; the surrogate's value is
// not E[f] and means nothing by itself.

// ScoreSurrogate returns the surrogate (1/S) Σ_s (f_s - b_s) log q(x_s), a
// 1x1 value whose gradient with respect to q's parameters is the
// score-function estimate of ∇ E_q[f(x)] from S draws x_s, with baseline
// b. logq is the S x 1 log-density of the draws recorded on a tape
// (q.LogProb(x) for x = q.Sample(rng, S), a free constant); f holds the S
// function values, constants (a pathwise dependence of f on θ, if any,
// needs its own term).
//
// baseline is nil (no baseline), one value (a constant, such as
// MovingAverage.Value: it must not depend on the current draws to keep the
// estimate unbiased) or S values (per-draw baselines, such as LeaveOneOut,
// where b_s must not depend on x_s). It is one fused node with partial
// derivatives (f_s - b_s)/S. It panics if logq is not S x 1 or baseline
// has another length.
func ScoreSurrogate(logq ad.Var, f, baseline []float64) ad.Var {
	s := len(f)
	r, c := logq.Shape()
	if r != s || c != 1 {
		panic(fmt.Sprintf("estimators: ScoreSurrogate: log-density is %dx%d for %d function values, want %dx1", r, c, s, s))
	}
	if len(baseline) != 0 && len(baseline) != 1 && len(baseline) != s {
		panic(fmt.Sprintf("estimators: ScoreSurrogate: %d baselines for %d draws, want 0, 1 or %d", len(baseline), s, s))
	}
	coef := make([]float64, s)
	for i, v := range f {
		switch len(baseline) {
		case 0:
			coef[i] = v
		case 1:
			coef[i] = v - baseline[0]
		default:
			coef[i] = v - baseline[i]
		}
	}
	return surrogate(logq, coef)
}

// surrogate returns (1/S) Σ coef_s logq_s as one fused node.
func surrogate(logq ad.Var, coef []float64) ad.Var {
	s := len(coef)
	fu := ad.NewFused(s, 1, ad.ReduceAll, logq)
	out, p := fu.Out(), fu.Partial(0)
	lq := logq.Value()
	inv := 1 / float64(s)
	var acc float64
	for i, c := range coef {
		if c != 0 { // 0 · (-Inf) would be NaN; the draw contributes nothing
			acc += c * lq[i]
		}
		if p != nil {
			p[i] = c * inv
		}
	}
	out[0] = acc * inv
	return fu.Var()
}

// ScoreSurrogateLOO returns the score-function surrogate with the
// leave-one-out baseline of Kool, van Hoof and Welling ("Buy 4 REINFORCE
// samples, get a baseline for free!", ICLR workshop 2019): b_s is the mean
// of f over the other S - 1 draws, which is independent of x_s, so the
// estimate stays unbiased. Its gradient is
//
//	(1/S) Σ_s (f_s - b_s) ∇ log q(x_s) = 1/(S-1) Σ_s (f_s - f̄) ∇ log q(x_s),
//
// computed from the second form (no cancellation in Σf - f_s). It panics
// if S < 2 or logq is not S x 1.
func ScoreSurrogateLOO(logq ad.Var, f []float64) ad.Var {
	s := len(f)
	if s < 2 {
		panic(fmt.Sprintf("estimators: ScoreSurrogateLOO: %d draws, need at least 2", s))
	}
	r, c := logq.Shape()
	if r != s || c != 1 {
		panic(fmt.Sprintf("estimators: ScoreSurrogateLOO: log-density is %dx%d for %d function values, want %dx1", r, c, s, s))
	}
	mean := meanOf(f)
	k := float64(s) / float64(s-1)
	coef := make([]float64, s)
	for i, v := range f {
		coef[i] = k * (v - mean) // f_s - b_s
	}
	return surrogate(logq, coef)
}

// LeaveOneOut writes the leave-one-out baselines b_s = (Σ_{t≠s} f_t)/(S-1)
// into dst (allocated when nil) and returns it, computed as
// f̄ + (f̄ - f_s)/(S-1). It panics if len(f) < 2 or dst has another length.
func LeaveOneOut(dst, f []float64) []float64 {
	s := len(f)
	if s < 2 {
		panic(fmt.Sprintf("estimators: LeaveOneOut: %d values, need at least 2", s))
	}
	dst = resize(dst, s)
	mean := meanOf(f)
	for i, v := range f {
		dst[i] = mean + (mean-v)/float64(s-1)
	}
	return dst
}

func meanOf(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// MovingAverage is an exponential moving-average baseline for
// score-function gradients: after each step's Update with that step's
// function values, Value is Decay·(previous) + (1 - Decay)·mean(f). Use
// Value for the current step's baseline before calling Update, so that the
// baseline does not depend on the current draws. The zero value (Decay 0)
// tracks the previous step's mean; Value is 0 before the first Update.
type MovingAverage struct {
	// Decay is the weight of the past, in [0, 1).
	Decay float64
	value float64
	seen  bool
}

// Value returns the current baseline.
func (m *MovingAverage) Value() float64 { return m.value }

// Update folds the mean of a step's function values into the average;
// the first Update sets it to that mean. It panics if Decay is not in
// [0, 1) or f is empty.
func (m *MovingAverage) Update(f []float64) {
	if !(m.Decay >= 0 && m.Decay < 1) {
		panic(fmt.Sprintf("estimators: MovingAverage: Decay = %v, want [0, 1)", m.Decay))
	}
	if len(f) == 0 {
		panic("estimators: MovingAverage.Update with no values")
	}
	mu := meanOf(f)
	if !m.seen {
		m.value, m.seen = mu, true
		return
	}
	m.value = m.Decay*m.value + (1-m.Decay)*mu
}
