package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
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
	return paramCells("KL(HalfCauchy || HalfCauchy)", ad.ReduceCols, divergenceRows, []ad.Var{p.Scale, q.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		sa, sb := v[0], v[1]
		ds := sa - sb
		g[0], g[1] = ds/(sa*(sa+sb)), -ds/(sb*(sa+sb))
		return math.Log1p(ds * ds / (4 * sa * sb))
	}), nil
}
