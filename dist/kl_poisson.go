package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

func init() {
	RegisterKL(klPoissonPoisson)
	RegisterKL(klPoissonBernoulli)
	RegisterKL(klPoissonBinomial)
}

// klPoissonPoisson is KL(Poisson(λ1) || Poisson(λ2)) summed over columns:
// λ1 log(λ1/λ2) - λ1 + λ2 = λ2 φ(λ1/λ2) with φ(t) = t log t - t + 1,
// evaluated by klTerm with log(λ1/λ2) = log1p((λ1-λ2)/λ2) near λ1 = λ2, so
// it keeps full relative accuracy there (the three-term form cancels to
// O((λ1-λ2)²) from O(λ) terms). λ1 = 0 gives λ2; λ2 = 0 < λ1 gives +Inf.
// Partials: log(λ1/λ2) for λ1 (-Inf at λ1 = 0), 1 - λ1/λ2 for λ2.
func klPoissonPoisson(p, q Poisson) (ad.Var, error) {
	pv, qv := viewOf(p.Rate), viewOf(q.Rate)
	return klGrid("KL(Poisson || Poisson)", []ad.Var{p.Rate, q.Rate}, func(i, j int, g []float64, _ []bool) float64 {
		l1, l2 := pv.at(i, j), qv.at(i, j)
		if l2 == 0 {
			if l1 > 0 {
				return math.Inf(1)
			}
			g[1] = 1
			return 0
		}
		rho := math.Inf(-1)
		if l1 > 0 {
			rho = logRatio(l1, l2, l1-l2)
		}
		g[0] = rho
		g[1] = -(l1 - l2) / l2
		return klTerm(l1, l2, rho)
	}), nil
}

// klPoissonBernoulli is KL(Poisson(λ) || Bernoulli(b)): +Inf for λ > 0
// (the Poisson puts mass on 2, 3, ...), as torch registers it, and
// -log(1-b) for λ = 0, where the Poisson is the point mass at 0 (a rate
// torch accepts); the partial with respect to b is then 1/(1-b) (probs)
// or b (logits), and the rate gets 0.
func klPoissonBernoulli(p Poisson, q Bernoulli) (ad.Var, error) {
	tq, lq := q.param()
	pv, qv := viewOf(p.Rate), viewOf(tq)
	return klGrid("KL(Poisson || Bernoulli)", []ad.Var{p.Rate, tq}, func(i, j int, g []float64, _ []bool) float64 {
		return poissonAgainstBinomial(pv.at(i, j), 1, prob2Of(qv.at(i, j), lq), lq, g[1:])
	}), nil
}

// klPoissonBinomial is KL(Poisson(λ) || Binomial(n, b)): +Inf for λ > 0
// (unbounded support against a bounded one), as torch registers it, and
// -n log(1-b) for λ = 0.
func klPoissonBinomial(p Poisson, q Binomial) (ad.Var, error) {
	tq, lq := q.param()
	pv, nv, qv := viewOf(p.Rate), viewOf(q.TotalCount), viewOf(tq)
	return klGrid("KL(Poisson || Binomial)", []ad.Var{p.Rate, q.TotalCount, tq}, func(i, j int, g []float64, _ []bool) float64 {
		return poissonAgainstBinomial(pv.at(i, j), nv.at(i, j), prob2Of(qv.at(i, j), lq), lq, g[2:])
	}), nil
}

// poissonAgainstBinomial returns KL(Poisson(λ) || Bin(n, b)) and writes
// the partial with respect to b's parameter into g[0].
func poissonAgainstBinomial(lam, n float64, b prob2, lb bool, g []float64) float64 {
	if lam > 0 || n > 0 && b.q == 0 {
		return math.Inf(1)
	}
	g[0] = -b.grad(lb, 0, n)
	return -b.lin(0, n)
}
