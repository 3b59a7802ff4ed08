package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
)

func init() {
	RegisterKL(klHalfCauchyHalfCauchy)
}

// klHalfCauchyHalfCauchy is KL(HalfCauchy(s1) || HalfCauchy(s2)), summed
// over columns. Both are folds of Cauchy distributions symmetric about 0,
// so the divergence equals KL(Cauchy(0, s1) || Cauchy(0, s2))
// = log((s1 + s2)²/(4 s1 s2)) (Chyzak & Nielsen 2019), evaluated as
// log1p((s1 - s2)²/(4 s1 s2)) for full relative accuracy near p = q.
func klHalfCauchyHalfCauchy(p, q HalfCauchy) (ad.Var, error) {
	b, c := paramShape("KL(HalfCauchy || HalfCauchy)", p.Scale, q.Scale)
	f := ad.NewFused(b, c, ad.ReduceCols, p.Scale, q.Scale)
	out := f.Out()
	ds1, ds2 := f.Partial(0), f.Partial(1)
	s1, s2 := viewOf(p.Scale), viewOf(q.Scale)
	par.For(b, 1<<13, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var acc float64
			for j := 0; j < c; j++ {
				sa, sb := s1.at(i, j), s2.at(i, j)
				ds := sa - sb
				acc += math.Log1p(ds * ds / (4 * sa * sb))
				k := i*c + j
				if ds1 != nil {
					ds1[k] = ds / (sa * (sa + sb))
				}
				if ds2 != nil {
					ds2[k] = -ds / (sb * (sa + sb))
				}
			}
			out[i] = acc
		}
	})
	return f.Var(), nil
}
