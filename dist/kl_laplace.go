package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klLaplaceLaplace)
}

// klLaplaceLaplace is KL(Laplace(m1, b1) || Laplace(m2, b2))
// = log(b2/b1) + d/b2 + (b1/b2) e^{-d/b1} - 1 with d = |m1 - m2| (e.g.
// Gil, Alajaji & Hoseinzade, "Rényi divergence measures for commonly used
// univariate continuous distributions", 2013), summed over columns.
//
// With u = log(b1/b2) - d/b1 the sum is rewritten as
// (e^u - 1 - u) + d (b1 - b2)/(b1 b2): the first term is evaluated with
// special.LogRatioM1 and both are O(δ²) when p is δ away from q, so the
// value keeps its relative accuracy near p = q where the naive form
// cancels. For u < -1 (far from q with b1 < b2) the two terms would cancel
// instead, and the direct form, whose terms do not, is used.
func klLaplaceLaplace(p, q Laplace) (ad.Var, error) {
	b, c := paramShape("KL(Laplace || Laplace)", p.Loc, p.Scale, q.Loc, q.Scale)
	f := ad.NewFused(b, c, ad.ReduceCols, p.Loc, p.Scale, q.Loc, q.Scale)
	out := f.Out()
	dm1, ds1, dm2, ds2 := f.Partial(0), f.Partial(1), f.Partial(2), f.Partial(3)
	m1, s1, m2, s2 := viewOf(p.Loc), viewOf(p.Scale), viewOf(q.Loc), viewOf(q.Scale)
	par.For(b, 1<<13, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var acc float64
			for j := 0; j < c; j++ {
				a, sa, bb, sb := m1.at(i, j), s1.at(i, j), m2.at(i, j), s2.at(i, j)
				diff := a - bb
				d := math.Abs(diff)
				t := d / sa
				u := math.Log1p((sa-sb)/sb) - t // log(b1/b2) - t, accurate when b1 ≈ b2
				if u < -1 {
					// Far from p = q with b1 < b2, where the two terms
					// below would cancel; here no term does.
					acc += math.Log(sb/sa) + d/sb + math.Exp(u) - 1
				} else {
					acc += special.LogRatioM1(u) + d*((sa-sb)/(sa*sb))
				}
				k := i*c + j
				if dm1 != nil || dm2 != nil {
					g := -signum(diff) * math.Expm1(-t) / sb // sign(Δ)(1 - e^{-t})/b2
					if dm1 != nil {
						dm1[k] = g
					}
					if dm2 != nil {
						dm2[k] = -g
					}
				}
				if ds1 != nil || ds2 != nil {
					e := math.Exp(-t)
					if ds1 != nil {
						ds1[k] = -1/sa + e*(1+t)/sb
					}
					if ds2 != nil {
						ds2[k] = (1 - d/sb - sa/sb*e) / sb
					}
				}
			}
			out[i] = acc
		}
	})
	return f.Var(), nil
}
