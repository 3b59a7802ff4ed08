package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

func init() {
	RegisterKL(klGeometricGeometric)
}

// klGeometricGeometric is KL(Geometric(a) || Geometric(b)) summed over
// columns. With torch's convention (failures before the first success),
// KL = log(a/b) + ((1-a)/a) log((1-a)/(1-b)) = KL(Bern(a) || Bern(b)) / a:
// the Bernoulli divergence per expected trial. It is computed from
// bernKL's cancellation-free form, so it keeps full relative accuracy as
// a -> b. +Inf (partials 0) when q is the point mass at 0 (b = 1) and p
// is not. Partials: ∂KL_Bern/a - KL_Bern/a² (probs;
// for logits ∂KL_Bern/a - KL_Bern (1-a)/a) for a, ∂KL_Bern/a for b.
func klGeometricGeometric(p, q Geometric) (ad.Var, error) {
	tp, lp := p.param()
	tq, lq := q.param()
	pv, qv := viewOf(tp), viewOf(tq)
	return klGrid("KL(Geometric || Geometric)", []ad.Var{tp, tq}, func(i, j int, g []float64, _ []bool) float64 {
		av, bv := pv.at(i, j), qv.at(i, j)
		a := prob2Of(av, lp)
		o := bernKL(a, prob2Of(bv, lq), av, bv, lp, lq)
		if math.IsInf(o.kl, 1) {
			return o.kl
		}
		if lp {
			g[0] = o.da/a.p - o.kl*a.q/a.p
		} else {
			g[0] = o.da/a.p - o.kl/(a.p*a.p)
		}
		g[1] = o.db / a.p
		return o.kl / a.p
	}), nil
}
