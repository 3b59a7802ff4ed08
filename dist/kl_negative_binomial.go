package dist

import (
	"fmt"
	"math"
	"sync"

	"github.com/kldiv/kldiv/ad"
)

func init() {
	RegisterKL(klNegativeBinomialNegativeBinomial)
}

// nbMaxTerms bounds the number of terms of the series of
// KL(NegativeBinomial || NegativeBinomial) with different total counts.
const nbMaxTerms = 1 << 24

// klNegativeBinomialNegativeBinomial is KL(NB(r1, a) || NB(r2, b)) summed
// over columns (torch's convention: successes with probability a before
// r1 failures), with partials for both total counts and both probability
// parameters.
//
// Equal total counts (r1 = r2 = r): the closed form r KL(Bern(a) ||
// Bern(b)) / (1-a) (bernKL's cancellation-free form), with partials
// KL_Bern/(1-a) - log((1-a)/(1-b)) for r1 and log((1-a)/(1-b)) for r2,
// which are the partials of the general series below at r1 = r2 (they use
// E[ψ(K+r) - ψ(r)] = -log(1-a) under NB(r, a)).
//
// Different total counts: KL = r1 KL_Bern/(1-a) + E_p[g(K)] with
// g(k) = log NB(k; r1, b) - log NB(k; r2, b)
// = (r1-r2) log(1-b) + Σ_{m<k} log1p((r1-r2)/(m+r2)),
// the first part being KL(NB(r1, a) || NB(r1, b)) exactly. The series over
// k is summed from 0 with the weights of NB(r1, a) from the ratio
// recurrence p(k+1)/p(k) = a(k+r1)/(k+1) in log space (rescaled to the
// running maximum, normalized by their sum) and g and the digamma
// differences by compensated recurrences. Tail bound: past the mode, for
// m >= 1, p(k+m) <= p(k) ρ^m with ρ = a max(1, (k+r1)/(k+1)) < 1, and
// |g(k+m)| <= |g(k)| + m |log((k+r1)/(k+r2))| (the increments shrink), so
// the rest of Σ p g is at most p(k)(|g(k)| ρ/(1-ρ) + c ρ/(1-ρ)²); the
// series of the partials are bounded the same way with quadratic growth
// (Σ m² ρ^m = ρ(1+ρ)/(1-ρ)³). Summation stops when every bound is below
// 1e-17 of the sum of the absolute values of its terms (or the weights
// underflow to 0). It returns an error when that would take more than
// 2^24 terms, estimated up front as mean + 40/(-log a) (a within about
// 2.4e-6 of 1).
//
// Special cases: b = 0 (q the point mass at 0) gives +Inf unless a = 0
// too; a = 0 (p the point mass at 0) gives -r2 log(1-b).
func klNegativeBinomialNegativeBinomial(p, q NegativeBinomial) (ad.Var, error) {
	tp, lp := p.param()
	tq, lq := q.param()
	pv, qv, r1v, r2v := viewOf(tp), viewOf(tq), viewOf(p.TotalCount), viewOf(q.TotalCount)
	var (
		mu  sync.Mutex
		err error
	)
	v := klGrid("KL(NegativeBinomial || NegativeBinomial)", []ad.Var{p.TotalCount, tp, q.TotalCount, tq}, func(i, j int, g []float64, need []bool) float64 {
		av, bv := pv.at(i, j), qv.at(i, j)
		a, b := prob2Of(av, lp), prob2Of(bv, lq)
		r1, r2 := r1v.at(i, j), r2v.at(i, j)
		if b.p == 0 {
			if a.p > 0 {
				return math.Inf(1)
			}
			g[3] = -b.grad(lq, 0, r2)
			return 0
		}
		o := bernKL(a, b, av, bv, lp, lq)
		// d(1/(1-a))/dθ: 1/(1-a)² for probs, a/(1-a) for logits.
		dInv := 1 / (a.q * a.q)
		if lp {
			dInv = a.p / a.q
		}
		if a.p == 0 {
			g[0] = 0
			g[1] = r1 * o.da / a.q
			g[2] = -b.lq
			g[3] = -b.grad(lq, 0, r2)
			return -b.lin(0, r2)
		}
		if r1 == r2 {
			g[0] = o.kl/a.q - o.r0
			g[1] = r1*o.da/a.q + r1*o.kl*dInv
			g[2] = o.r0
			g[3] = r1 * o.db / a.q
			return r1 * o.kl / a.q
		}
		s, e := nbSeries(r1, r2, a, b, r1*o.kl/a.q, need)
		if e != nil {
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				err = fmt.Errorf("dist: KL(NegativeBinomial || NegativeBinomial) row %d column %d (total counts %v, %v): %w", i, j, r1, r2, e)
			}
			return math.NaN()
		}
		g[0] = o.kl/a.q - o.r0 + s.h1
		if lp {
			g[1] = r1*o.da/a.q + r1*o.kl*dInv + a.q*s.ga
		} else {
			g[1] = r1*o.da/a.q + r1*o.kl*dInv + s.ga/a.p
		}
		g[2] = -s.h2 - b.lq
		if lq {
			g[3] = r1*o.db/a.q - (r1-r2)*b.p
		} else {
			g[3] = r1*o.db/a.q - (r1-r2)/b.q
		}
		return r1*o.kl/a.q + s.g
	})
	if err != nil {
		return ad.Var{}, err
	}
	return v, nil
}

// nbSums holds the expectations under NB(r1, a) that the series gives:
// g = E[g(K)], ga = E[g(K)(K - μ)], h1 = E[g(K)(ψ(K+r1) - ψ(r1) + log(1-a))],
// h2 = E[ψ(K+r2) - ψ(r2)].
type nbSums struct{ g, ga, h1, h2 float64 }

// nbSeries sums the series of klNegativeBinomialNegativeBinomial for
// r1 != r2, a in (0, 1), b in (0, 1). base is the closed-form part, used
// to scale the stopping rule of the value.
func nbSeries(r1, r2 float64, a, b prob2, base float64, need []bool) (nbSums, error) {
	mu := r1 * a.p / a.q
	// The weights fall like a^k past the mean: about mean + 40/(-log a)
	// terms reach the 1e-17 stopping level. Give up at once if that is
	// beyond the budget.
	if need := mu + 40/-a.lp; need > nbMaxTerms {
		return nbSums{}, fmt.Errorf("the series would need about %.3g terms (more than %d)", need, nbMaxTerms)
	}
	mode := 0.0
	if r1 > 1 {
		mode = math.Floor(a.p * (r1 - 1) / a.q)
	}
	wantA, wantR1, wantR2 := need[1], need[0], need[2]
	var lw, gk, h1, h2 kahan
	gk.add((r1 - r2) * b.lq)
	var z, sg, sga, sh1, sh2 kahan
	var absG, absGA, absH1, absH2 float64
	m := 0.0
	const tol = 1e-17
	for k := 0.0; ; k++ {
		l := lw.sum()
		if l > m {
			f := math.Exp(m - l)
			for _, s := range []*kahan{&z, &sg, &sga, &sh1, &sh2} {
				s.scale(f)
			}
			absG, absGA, absH1, absH2 = absG*f, absGA*f, absH1*f, absH2*f
			m = l
		}
		w := math.Exp(l - m)
		g := gk.sum()
		e1 := h1.sum() + a.lq
		hh2 := h2.sum()
		z.add(w)
		sg.add(w * g)
		absG += w * math.Abs(g)
		if wantA {
			sga.add(w * g * (k - mu))
			absGA += w * math.Abs(g*(k-mu))
		}
		if wantR1 {
			sh1.add(w * g * e1)
			absH1 += w * math.Abs(g*e1)
		}
		if wantR2 {
			sh2.add(w * hh2)
			absH2 += w * hh2
		}
		if k >= mode {
			rho := a.p * math.Max(1, (k+r1)/(k+1))
			if rho < 1 && w >= 0 {
				s0 := rho / (1 - rho)
				s1 := s0 / (1 - rho)
				s2 := s1 * (1 + rho) / (1 - rho)
				tail := func(c0, c1, c2 float64) float64 { return w * (c0*s0 + c1*s1 + c2*s2) }
				G := math.Abs(g)
				cg := math.Abs(math.Log((k + r1) / (k + r2)))
				done := w == 0 || tail(G, cg, 0) <= tol*(absG+base*z.sum())
				if done && wantA {
					D := math.Abs(k - mu)
					done = tail(G*D, G+cg*D, cg) <= tol*absGA
				}
				if done && wantR1 {
					E1, c := math.Abs(e1), 1/(k+r1)
					done = tail(G*E1, G*c+cg*E1, cg*c) <= tol*absH1
				}
				if done && wantR2 {
					done = tail(hh2, 1/(k+r2), 0) <= tol*absH2
				}
				if done {
					break
				}
			}
		}
		lw.add(a.lp + math.Log((k+r1)/(k+1)))
		gk.add(math.Log1p((r1 - r2) / (k + r2)))
		if k > nbMaxTerms {
			return nbSums{}, fmt.Errorf("the series did not converge within %d terms", nbMaxTerms)
		}
		h1.add(1 / (k + r1))
		h2.add(1 / (k + r2))
	}
	zz := z.sum()
	return nbSums{g: sg.sum() / zz, ga: sga.sum() / zz, h1: sh1.sum() / zz, h2: sh2.sum() / zz}, nil
}
