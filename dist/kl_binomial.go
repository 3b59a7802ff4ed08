package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

func init() {
	RegisterKL(klBinomialBinomial)
	RegisterKL(klBernoulliBinomial)
	RegisterKL(klBinomialBernoulli)
}

// binomKL returns KL(Bin(np, a) || Bin(nq, b)) and its partials with
// respect to a's and b's parameter (the integer counts get none):
//
//   - np = nq = n: n KL(Bern(a) || Bern(b)) (bernKL).
//   - np > nq: +Inf, except for a = 0 (p is the point mass at 0), where it
//     is -log q(0) = -nq log(1-b).
//   - np < nq (torch raises NotImplementedError): the exact finite sum,
//     split as KL = np KL(Bern(a) || Bern(b)) + E_p[g(K)] with
//     g(k) = log Bin(k; np, b) - log Bin(k; nq, b)
//     = -d log(1-b) + Σ_{m<k} log1p(-d/(nq-m)), d = nq - np, because
//     Bin(np, a) against Bin(np, b) is the first part exactly. g is
//     accumulated by its recurrence with compensated summation, so the
//     cancellation between its two parts loses nothing beyond rounding,
//     and the weights of Bin(np, a) come from the ratio recurrence
//     p(k+1)/p(k) = (np-k)/(k+1) · a/(1-a) in log space, rescaled to the
//     running maximum and normalized by their sum. The partials are
//     np ∂KL_Bern + Cov_p(g, K)/(a(1-a)) (probs; times a(1-a) for logits)
//     for a and np ∂KL_Bern + d/(1-b) (probs; d b for logits) for b.
func binomKL(np, nq float64, a, b prob2, av, bv float64, la, lb bool) (kl, da, db float64) {
	// KL(δ0 || Bin(nq, b)) = -nq log(1-b), derivative nq/(1-b) in b.
	pointAtZero := func() (float64, float64, float64) {
		if nq > 0 && b.q == 0 {
			return math.Inf(1), 0, 0
		}
		return -b.lin(0, nq), 0, -b.grad(lb, 0, nq)
	}
	switch {
	case np > nq:
		if a.p == 0 {
			return pointAtZero()
		}
		return math.Inf(1), 0, 0
	case np == nq:
		if np == 0 {
			return 0, 0, 0
		}
		o := bernKL(a, b, av, bv, la, lb)
		if math.IsInf(o.kl, 1) {
			return o.kl, 0, 0
		}
		return np * o.kl, np * o.da, np * o.db
	}
	// np < nq
	switch {
	case b.p == 0: // q = δ0
		if a.p == 0 || np == 0 {
			return pointAtZero()
		}
		return math.Inf(1), 0, 0
	case b.q == 0: // q = δ_nq, beyond p's support
		return math.Inf(1), 0, 0
	case np == 0:
		return pointAtZero()
	}
	o := bernKL(a, b, av, bv, la, lb)
	d := nq - np
	var z, gs, gc kahan
	var lw, gk kahan
	gk.add(-d * b.lq)
	m := 0.0
	// Degenerate a: the weights are a point mass at 0 or at np.
	lr := a.lp - a.lq
	for k := 0.0; k <= np; k++ {
		var w float64
		switch {
		case a.p == 0:
			w = b2f(k == 0)
		case a.q == 0:
			w = b2f(k == np)
		default:
			l := lw.sum()
			if l > m {
				f := math.Exp(m - l)
				z.scale(f)
				gs.scale(f)
				gc.scale(f)
				m = l
			}
			w = math.Exp(l - m)
			lw.add(math.Log((np-k)/(k+1)) + lr)
		}
		g := gk.sum()
		z.add(w)
		gs.add(w * g)
		gc.add(w * g * (k - np*a.p))
		if k < np {
			gk.add(math.Log1p(-d / (nq - k)))
		}
	}
	zz := z.sum()
	kl = np*o.kl + gs.sum()/zz
	cov := gc.sum() / zz
	switch {
	case la:
		da = np*o.da + cov
	case a.p == 0 || a.q == 0:
		da = np * o.da // ±Inf: the derivative of KL_Bern at the boundary
	default:
		da = np*o.da + cov/(a.p*a.q)
	}
	if lb {
		db = np*o.db + d*b.p
	} else {
		db = np*o.db + d/b.q
	}
	return kl, da, db
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// klBinomialBinomial is KL(Binomial(np, a) || Binomial(nq, b)) summed over
// columns (binomKL): closed form for equal counts, +Inf when p's count
// exceeds q's (unless a = 0), and the exact finite sum when it is smaller.
func klBinomialBinomial(p, q Binomial) (ad.Var, error) {
	tp, lp := p.param()
	tq, lq := q.param()
	pv, qv, npv, nqv := viewOf(tp), viewOf(tq), viewOf(p.TotalCount), viewOf(q.TotalCount)
	return klGrid("KL(Binomial || Binomial)", []ad.Var{p.TotalCount, tp, q.TotalCount, tq}, func(i, j int, g []float64, _ []bool) float64 {
		av, bv := pv.at(i, j), qv.at(i, j)
		kl, da, db := binomKL(npv.at(i, j), nqv.at(i, j), prob2Of(av, lp), prob2Of(bv, lq), av, bv, lp, lq)
		g[1], g[3] = da, db
		return kl
	}), nil
}

// klBernoulliBinomial is KL(Bernoulli(a) || Binomial(n, b)), the binomKL
// of Binomial(1, a): for n >= 1 the finite sum over {0, 1}, for n = 0
// +Inf unless a = 0.
func klBernoulliBinomial(p Bernoulli, q Binomial) (ad.Var, error) {
	tp, lp := p.param()
	tq, lq := q.param()
	pv, qv, nqv := viewOf(tp), viewOf(tq), viewOf(q.TotalCount)
	return klGrid("KL(Bernoulli || Binomial)", []ad.Var{tp, q.TotalCount, tq}, func(i, j int, g []float64, _ []bool) float64 {
		av, bv := pv.at(i, j), qv.at(i, j)
		kl, da, db := binomKL(1, nqv.at(i, j), prob2Of(av, lp), prob2Of(bv, lq), av, bv, lp, lq)
		g[0], g[2] = da, db
		return kl
	}), nil
}

// klBinomialBernoulli is KL(Binomial(n, a) || Bernoulli(b)), the binomKL
// against Binomial(1, b): KL(Bern || Bern) for n = 1, -log(1-b) for n = 0
// or a = 0, +Inf otherwise (mass on 2 or more).
func klBinomialBernoulli(p Binomial, q Bernoulli) (ad.Var, error) {
	tp, lp := p.param()
	tq, lq := q.param()
	pv, qv, npv := viewOf(tp), viewOf(tq), viewOf(p.TotalCount)
	return klGrid("KL(Binomial || Bernoulli)", []ad.Var{p.TotalCount, tp, tq}, func(i, j int, g []float64, _ []bool) float64 {
		av, bv := pv.at(i, j), qv.at(i, j)
		kl, da, db := binomKL(npv.at(i, j), 1, prob2Of(av, lp), prob2Of(bv, lq), av, bv, lp, lq)
		g[1], g[2] = da, db
		return kl
	}), nil
}
