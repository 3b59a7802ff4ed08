package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klParetoPareto)
}

// klParetoPareto is KL(Pareto(x1, α1) || Pareto(x2, α2)), summed over
// columns. With E_p[log X] = log x1 + 1/α1,
//
//	KL = log(α1/α2) + α2/α1 - 1 + α2 log(x1/x2)   for x1 >= x2,
//
// and +Inf (with zero partials) in rows where x1 < x2 (p puts mass below
// q's support). r - 1 - log r with r = α2/α1 is special.LogRatioM1 of
// log1p((α2 - α1)/α1), and log(x1/x2) is log1p((x1 - x2)/x2), so both
// terms keep full relative accuracy near p = q.
func klParetoPareto(p, q Pareto) (ad.Var, error) {
	b, c := paramShape("KL(Pareto || Pareto)", p.Scale, p.Alpha, q.Scale, q.Alpha)
	f := ad.NewFused(b, c, ad.ReduceCols, p.Scale, p.Alpha, q.Scale, q.Alpha)
	out := f.Out()
	dx1, da1, dx2, da2 := f.Partial(0), f.Partial(1), f.Partial(2), f.Partial(3)
	x1v, a1v, x2v, a2v := viewOf(p.Scale), viewOf(p.Alpha), viewOf(q.Scale), viewOf(q.Alpha)
	par.For(b, 1<<13, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var acc float64
			inf := false
			for j := 0; j < c; j++ {
				x1, a1, x2, a2 := x1v.at(i, j), a1v.at(i, j), x2v.at(i, j), a2v.at(i, j)
				if x1 < x2 {
					inf = true
					continue
				}
				lx := math.Log1p((x1 - x2) / x2)
				acc += special.LogRatioM1(math.Log1p((a2-a1)/a1)) + a2*lx
				k := i*c + j
				if dx1 != nil {
					dx1[k] = a2 / x1
				}
				if dx2 != nil {
					dx2[k] = -a2 / x2
				}
				if da1 != nil {
					da1[k] = (a1 - a2) / (a1 * a1) // 1/α1 - α2/α1²
				}
				if da2 != nil {
					da2[k] = (a2-a1)/(a1*a2) + lx // 1/α1 - 1/α2 + log(x1/x2)
				}
			}
			if inf {
				acc = math.Inf(1)
				for j := 0; j < c; j++ {
					k := i*c + j
					for _, pk := range [][]float64{dx1, da1, dx2, da2} {
						if pk != nil {
							pk[k] = 0
						}
					}
				}
			}
			out[i] = acc
		}
	})
	return f.Var(), nil
}
