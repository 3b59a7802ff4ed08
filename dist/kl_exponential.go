package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klExponentialExponential)
}

// klExponentialExponential is KL(Exp(λ1) || Exp(λ2)) = r - 1 - log r with
// r = λ2/λ1, summed over columns, evaluated as special.LogRatioM1 of
// log1p((λ2 - λ1)/λ1) for full relative accuracy near p = q.
func klExponentialExponential(p, q Exponential) (ad.Var, error) {
	b, c := paramShape("KL(Exponential || Exponential)", p.Rate, q.Rate)
	f := ad.NewFused(b, c, ad.ReduceCols, p.Rate, q.Rate)
	out := f.Out()
	dr1, dr2 := f.Partial(0), f.Partial(1)
	r1, r2 := viewOf(p.Rate), viewOf(q.Rate)
	par.For(b, 1<<13, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var acc float64
			for j := 0; j < c; j++ {
				la, lb := r1.at(i, j), r2.at(i, j)
				acc += special.LogRatioM1(math.Log1p((lb - la) / la))
				k := i*c + j
				if dr1 != nil {
					dr1[k] = (la - lb) / (la * la) // 1/λ1 - λ2/λ1²
				}
				if dr2 != nil {
					dr2[k] = (lb - la) / (la * lb) // 1/λ1 - 1/λ2
				}
			}
			out[i] = acc
		}
	})
	return f.Var(), nil
}
