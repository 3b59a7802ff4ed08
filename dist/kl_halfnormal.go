package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klHalfNormalHalfNormal)
}

// klHalfNormalHalfNormal is KL(HalfNormal(s1) || HalfNormal(s2)), summed
// over columns. Both are folds of normal distributions symmetric about 0,
// so it equals KL(N(0, s1) || N(0, s2)) = ½(r² - 1 - log r²), r = s1/s2,
// evaluated as ½ special.LogRatioM1(2 log1p((s1 - s2)/s2)) for full
// relative accuracy near p = q.
func klHalfNormalHalfNormal(p, q HalfNormal) (ad.Var, error) {
	b, c := paramShape("KL(HalfNormal || HalfNormal)", p.Scale, q.Scale)
	f := ad.NewFused(b, c, ad.ReduceCols, p.Scale, q.Scale)
	out := f.Out()
	ds1, ds2 := f.Partial(0), f.Partial(1)
	s1, s2 := viewOf(p.Scale), viewOf(q.Scale)
	par.For(b, 1<<13, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var acc float64
			for j := 0; j < c; j++ {
				sa, sb := s1.at(i, j), s2.at(i, j)
				d := 2 * math.Log1p((sa-sb)/sb)
				acc += 0.5 * special.LogRatioM1(d)
				k := i*c + j
				if ds1 != nil || ds2 != nil {
					e := math.Expm1(d) // r² - 1
					if ds1 != nil {
						ds1[k] = e / sa
					}
					if ds2 != nil {
						ds2[k] = -e / sb
					}
				}
			}
			out[i] = acc
		}
	})
	return f.Var(), nil
}
