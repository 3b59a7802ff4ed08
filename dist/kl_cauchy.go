package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
)

func init() {
	RegisterKL(klCauchyCauchy)
}

// klCauchyCauchy is KL(Cauchy(m1, s1) || Cauchy(m2, s2))
// = log(((s1 + s2)² + (m1 - m2)²)/(4 s1 s2)) (Chyzak & Nielsen, "A
// closed-form formula for the Kullback-Leibler divergence between Cauchy
// distributions", 2019), summed over columns. Since
// (s1 + s2)² = (s1 - s2)² + 4 s1 s2 it is evaluated as
// log1p(((s1 - s2)² + (m1 - m2)²)/(4 s1 s2)), which keeps full relative
// accuracy near p = q. The divergence is symmetric in p and q.
func klCauchyCauchy(p, q Cauchy) (ad.Var, error) {
	b, c := paramShape("KL(Cauchy || Cauchy)", p.Loc, p.Scale, q.Loc, q.Scale)
	f := ad.NewFused(b, c, ad.ReduceCols, p.Loc, p.Scale, q.Loc, q.Scale)
	out := f.Out()
	dm1, ds1, dm2, ds2 := f.Partial(0), f.Partial(1), f.Partial(2), f.Partial(3)
	m1, s1, m2, s2 := viewOf(p.Loc), viewOf(p.Scale), viewOf(q.Loc), viewOf(q.Scale)
	par.For(b, 1<<13, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var acc float64
			for j := 0; j < c; j++ {
				sa, sb := s1.at(i, j), s2.at(i, j)
				dm, ds := m1.at(i, j)-m2.at(i, j), sa-sb
				acc += math.Log1p((ds*ds + dm*dm) / (4 * sa * sb))
				k := i*c + j
				sum := sa + sb
				a := sum*sum + dm*dm
				if dm1 != nil {
					dm1[k] = 2 * dm / a
				}
				if dm2 != nil {
					dm2[k] = -2 * dm / a
				}
				if ds1 != nil {
					ds1[k] = 2*sum/a - 1/sa
				}
				if ds2 != nil {
					ds2[k] = 2*sum/a - 1/sb
				}
			}
			out[i] = acc
		}
	})
	return f.Var(), nil
}
