package dist

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
)

func init() {
	RegisterKL(klCategoricalCategorical)
	RegisterKL(klOneHotCategoricalOneHotCategorical)
	RegisterKL(klMultinomialMultinomial)
}

// catKL records KL(p || q) = Σ_j q_j φ(p_j/q_j), φ(t) = t log t - t + 1,
// for two categorical parameters over b rows (rows broadcast), scaled by
// scale(i) per row (nil for 1); inf(i) marks rows that are +Inf whatever
// the probabilities (nil for none). Each term is non-negative (klTerm), so
// the sum has no cancellation: KL(p, p) = 0 exactly and the divergence
// keeps full relative accuracy as q -> p. 0 log 0 = 0: a category with
// p_j = 0 contributes q_j; one with q_j = 0 < p_j makes the row +Inf
// (partials 0). log(p_j/q_j) is log1p((P_j-Q_j)/Q_j) + log(ΣQ/ΣP) for two
// probs parameters, (l_j - m_j) - (logsumexp l - logsumexp m) for two
// logits parameters and a difference of log-probabilities otherwise.
//
// Partials (of the normalized probabilities; see Categorical):
// (log(p_i/q_i) - KL)/ΣP (probs; -Inf where p_i = 0) or
// p_i (log(p_i/q_i) - KL) (logits) for p, and (1 - p_i/q_i)/ΣQ (probs) or
// q_i - p_i (logits) for q.
func catKL(name string, pp, pl, qp, ql ad.Var, b int, scale func(i int) float64, inf func(i int) bool) (ad.Var, error) {
	cp, tp := catParamOf(name, pp, pl)
	cq, tq := catParamOf(name, qp, ql)
	if cp.k != cq.k {
		return ad.Var{}, fmt.Errorf("dist: %s: %d and %d categories", name, cp.k, cq.k)
	}
	k := cp.k
	f := ad.NewFused(b, k, ad.ReduceCols, tp, tq)
	out, dp, dq := f.Out(), f.Partial(0), f.Partial(1)
	tabP, tabQ := newCatTable(cp, tp.Rows()), newCatTable(cq, tq.Rows())
	par.For(b, (1<<13)/k+1, func(lo, hi int) {
		rho := make([]float64, k)
		for i := lo; i < hi; i++ {
			if inf != nil && inf(i) {
				out[i] = math.Inf(1)
				continue
			}
			p, lp, q, lq := tabP.prow(i), tabP.lprow(i), tabQ.prow(i), tabQ.lprow(i)
			ip, iq := i%tp.Rows(), i%tq.Rows()
			np, nq := tabP.norm[ip], tabQ.norm[iq]
			// The log-ratios are formed from the raw parameters plus one shift
			// common to the row (log(ΣQ/ΣP), or the difference of the
			// log-sum-exps): a common shift c changes Σ q φ(·) only by c KL,
			// while rounding each normalized probability separately would
			// perturb the divergence by O(ε |p - q|), which near p = q is
			// large relative to KL = O(|p - q|²).
			var shift float64
			switch {
			case !cp.logits && !cq.logits:
				shift = logRatio(nq, np, nq-np)
			case cp.logits && cq.logits:
				shift = -(np - nq)
			}
			var acc kahan
			for j := range p {
				switch {
				case p[j] == 0:
					rho[j] = math.Inf(-1)
				case q[j] == 0:
					rho[j] = math.Inf(1)
				case !cp.logits && !cq.logits:
					a, b := cp.raw(ip, j), cq.raw(iq, j)
					rho[j] = logRatio(a, b, a-b) + shift
				case cp.logits && cq.logits:
					rho[j] = (cp.raw(ip, j) - cq.raw(iq, j)) + shift
				default:
					rho[j] = lp[j] - lq[j]
				}
				acc.add(klTerm(p[j], q[j], rho[j]))
			}
			kl := acc.sum()
			s := 1.0
			if scale != nil {
				s = scale(i)
			}
			if s == 0 { // no draws: both are the point mass at the zero row
				out[i] = 0
				continue
			}
			out[i] = s * kl
			if math.IsInf(kl, 1) {
				continue
			}
			if dp != nil {
				row, norm := dp[i*k:(i+1)*k], tabP.norm[i%tp.Rows()]
				for j := range row {
					switch {
					case cp.logits && p[j] == 0:
						row[j] = 0
					case cp.logits:
						row[j] = s * p[j] * (rho[j] - kl)
					default:
						row[j] = s * (rho[j] - kl) / norm
					}
				}
			}
			if dq != nil {
				row, norm := dq[i*k:(i+1)*k], tabQ.norm[i%tq.Rows()]
				for j := range row {
					switch {
					case cq.logits:
						row[j] = s * (q[j] - p[j])
					case q[j] == 0:
						row[j] = s / norm
					default:
						row[j] = s * (1 - p[j]/q[j]) / norm
					}
				}
			}
		}
	})
	return f.Var(), nil
}

// klCategoricalCategorical is KL(Categorical(p) || Categorical(q)) per
// batch row (catKL). It returns an error if the numbers of categories
// differ.
func klCategoricalCategorical(p, q Categorical) (ad.Var, error) {
	return catKL("KL(Categorical || Categorical)", p.Probs, p.Logits, q.Probs, q.Logits, batchOf(p, q), nil, nil)
}

// klOneHotCategoricalOneHotCategorical is KL(OneHotCategorical(p) ||
// OneHotCategorical(q)) per batch row, the categorical divergence
// (catKL).
func klOneHotCategoricalOneHotCategorical(p, q OneHotCategorical) (ad.Var, error) {
	return catKL("KL(OneHotCategorical || OneHotCategorical)", p.Probs, p.Logits, q.Probs, q.Logits, batchOf(p, q), nil, nil)
}

// klMultinomialMultinomial is KL(Multinomial(n, p) || Multinomial(m, q))
// per batch row: n KL(Categorical(p) || Categorical(q)) when n = m (the
// counts are sufficient: the multinomial coefficients cancel), and +Inf
// when n != m, because the supports (count rows summing to n and to m)
// are then disjoint. The total counts get no partials.
func klMultinomialMultinomial(p, q Multinomial) (ad.Var, error) {
	nv, mv := viewOf(p.TotalCount), viewOf(q.TotalCount)
	return catKL("KL(Multinomial || Multinomial)", p.Probs, p.Logits, q.Probs, q.Logits, batchOf(p, q),
		func(i int) float64 { return nv.at(i, 0) },
		func(i int) bool { return nv.at(i, 0) != mv.at(i, 0) })
}
