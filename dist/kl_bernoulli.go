package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

func init() {
	RegisterKL(klBernoulliBernoulli)
	RegisterKL(klBernoulliPoisson)
}

// bernOut is KL(Bern(a) || Bern(b)) with its partials and log-ratios.
type bernOut struct {
	kl     float64
	da, db float64 // partials with respect to a's and b's parameter
	r1, r0 float64 // log(a/b), log((1-a)/(1-b))
}

// bernKL returns KL(Bern(a) || Bern(b)) = b φ(a/b) + (1-b) φ((1-a)/(1-b))
// with φ(t) = t log t - t + 1 (klTerm): two non-negative terms, so the
// divergence keeps full relative accuracy as a -> b, where the usual
// a log(a/b) + (1-a) log((1-a)/(1-b)) cancels to O((a-b)²) from O(a-b)
// terms. The log-ratios are log1p((a-b)/b) and log1p((b-a)/(1-b)) with a-b
// computed accurately (probDiff). The partials are
// log(a/b) - log((1-a)/(1-b)) (probs; ±Inf at a = 0 or 1) or
// a(1-a)(logit a - logit b) (logits) for a, and -(a-b)/(b(1-b)) (probs) or
// -(a-b) (logits) for b. +Inf (partials 0) where a puts mass where b has
// none.
func bernKL(a, b prob2, av, bv float64, la, lb bool) bernOut {
	if b.p == 0 && a.p > 0 || b.q == 0 && a.q > 0 {
		return bernOut{kl: math.Inf(1)}
	}
	delta := probDiff(a, b, av, bv, la, lb)
	var o bernOut
	switch {
	case a.p == 0:
		o.r1 = math.Inf(-1)
	default:
		o.r1 = logRatio(a.p, b.p, delta)
	}
	switch {
	case a.q == 0:
		o.r0 = math.Inf(-1)
	default:
		o.r0 = logRatio(a.q, b.q, -delta)
	}
	o.kl = klTerm(a.p, b.p, o.r1) + klTerm(a.q, b.q, o.r0)
	switch {
	case la && lb:
		o.da = a.p * a.q * (av - bv)
	case la:
		o.da = a.p * a.q * (av - (b.lp - b.lq))
	default:
		o.da = o.r1 - o.r0
	}
	switch {
	case lb:
		o.db = -delta
	case b.p == 0: // then a = 0: KL = -log(1-b)
		o.db = 1 / b.q
	case b.q == 0: // then a = 1: KL = -log b
		o.db = -1 / b.p
	default:
		o.db = -delta / (b.p * b.q)
	}
	return o
}

// klBernoulliBernoulli is KL(Bernoulli(a) || Bernoulli(b)) summed over
// columns (bernKL).
func klBernoulliBernoulli(p, q Bernoulli) (ad.Var, error) {
	tp, lp := p.param()
	tq, lq := q.param()
	pv, qv := viewOf(tp), viewOf(tq)
	return klGrid("KL(Bernoulli || Bernoulli)", []ad.Var{tp, tq}, func(i, j int, g []float64, _ []bool) float64 {
		av, bv := pv.at(i, j), qv.at(i, j)
		o := bernKL(prob2Of(av, lp), prob2Of(bv, lq), av, bv, lp, lq)
		g[0], g[1] = o.da, o.db
		return o.kl
	}), nil
}

// klBernoulliPoisson is KL(Bernoulli(a) || Poisson(λ)), torch's
// -H(a) - a log λ + λ, written as λ φ(a/λ) + φ(1-a) with
// φ(t) = t log t - t + 1: two non-negative terms, so it stays accurate
// where the divergence is small (a ≈ λ ≪ 1, where it is about a²/2). +Inf
// for λ = 0 < a. Partials: log(a/λ) - log(1-a) (probs) or
// a(1-a)(logit a - log λ) (logits) for a, and 1 - a/λ for λ.
func klBernoulliPoisson(p Bernoulli, q Poisson) (ad.Var, error) {
	tp, lp := p.param()
	pv, rv := viewOf(tp), viewOf(q.Rate)
	return klGrid("KL(Bernoulli || Poisson)", []ad.Var{tp, q.Rate}, func(i, j int, g []float64, _ []bool) float64 {
		av, lam := pv.at(i, j), rv.at(i, j)
		a := prob2Of(av, lp)
		if lam == 0 {
			if a.p > 0 {
				return math.Inf(1)
			}
			return 0
		}
		r1 := math.Inf(-1)
		if a.p > 0 {
			r1 = logRatio(a.p, lam, a.p-lam)
		}
		if lp {
			g[0] = a.p * a.q * (av - math.Log(lam))
		} else {
			g[0] = r1 - a.lq
		}
		g[1] = 1 - a.p/lam
		return klTerm(a.p, lam, r1) + klTerm(a.q, 1, a.lq)
	}), nil
}
