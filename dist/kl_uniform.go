package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
)

func init() {
	RegisterKL(klUniformUniform)
}

// klUniformUniform is KL(U(l1, h1) || U(l2, h2)) = log((h2 - l2)/(h1 - l1))
// when [l1, h1] lies inside [l2, h2], and +Inf (with zero partials) in
// rows where it does not, summed over columns. The ratio is evaluated as
// log1p(((h2 - h1) + (l1 - l2))/(h1 - l1)), whose numerator is a sum of
// two non-negative differences, exact when the intervals nearly coincide.
func klUniformUniform(p, q Uniform) (ad.Var, error) {
	b, c := paramShape("KL(Uniform || Uniform)", p.Low, p.High, q.Low, q.High)
	f := ad.NewFused(b, c, ad.ReduceCols, p.Low, p.High, q.Low, q.High)
	out := f.Out()
	dl1, dh1, dl2, dh2 := f.Partial(0), f.Partial(1), f.Partial(2), f.Partial(3)
	l1, h1, l2, h2 := viewOf(p.Low), viewOf(p.High), viewOf(q.Low), viewOf(q.High)
	par.For(b, 1<<13, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var acc float64
			inf := false
			for j := 0; j < c; j++ {
				la, ha, lb, hb := l1.at(i, j), h1.at(i, j), l2.at(i, j), h2.at(i, j)
				if la < lb || ha > hb {
					inf = true
					continue
				}
				wa, wb := ha-la, hb-lb
				acc += math.Log1p(((hb - ha) + (la - lb)) / wa)
				k := i*c + j
				if dl1 != nil {
					dl1[k] = 1 / wa
				}
				if dh1 != nil {
					dh1[k] = -1 / wa
				}
				if dl2 != nil {
					dl2[k] = -1 / wb
				}
				if dh2 != nil {
					dh2[k] = 1 / wb
				}
			}
			if inf {
				acc = math.Inf(1)
				// Zero partials in the whole row: the value does not
				// depend on the parameters there.
				for j := 0; j < c; j++ {
					k := i*c + j
					for _, pk := range [][]float64{dl1, dh1, dl2, dh2} {
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
