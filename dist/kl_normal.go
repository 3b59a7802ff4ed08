package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klNormalNormal)
}

// klNormalNormal is KL(N(m1, s1) || N(m2, s2)) = ½(r² - 1 - log r² + δ²)
// with r = s1/s2 and δ = (m1 - m2)/s2, summed over columns. r² - 1 - log r²
// is evaluated as expm1(d) - d with d = 2 log r (special.LogRatioM1), which
// keeps full relative accuracy when s1 ≈ s2, where the naive form cancels.
func klNormalNormal(p, q Normal) (ad.Var, error) {
	b, c := paramShape("KL(Normal || Normal)", p.Loc, p.Scale, q.Loc, q.Scale)
	f := ad.NewFused(b, c, ad.ReduceCols, p.Loc, p.Scale, q.Loc, q.Scale)
	out := f.Out()
	dm1, ds1, dm2, ds2 := f.Partial(0), f.Partial(1), f.Partial(2), f.Partial(3)
	m1, s1, m2, s2 := viewOf(p.Loc), viewOf(p.Scale), viewOf(q.Loc), viewOf(q.Scale)
	par.For(b, 1<<13, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var acc float64
			for j := 0; j < c; j++ {
				a, sa, bb, sb := m1.at(i, j), s1.at(i, j), m2.at(i, j), s2.at(i, j)
				// log(sa/sb) as log1p((sa-sb)/sb): sa-sb is exact when the
				// scales are close, so d keeps full relative accuracy.
				d := 2 * math.Log1p((sa-sb)/sb)
				delta := (a - bb) / sb
				acc += 0.5 * (special.LogRatioM1(d) + delta*delta)
				k := i*c + j
				if dm1 != nil {
					dm1[k] = delta / sb
				}
				if dm2 != nil {
					dm2[k] = -delta / sb
				}
				if ds1 != nil || ds2 != nil {
					e := math.Expm1(d) // r² - 1
					if ds1 != nil {
						ds1[k] = e / sa
					}
					if ds2 != nil {
						ds2[k] = -(e + delta*delta) / sb
					}
				}
			}
			out[i] = acc
		}
	})
	return f.Var(), nil
}
