package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
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
	return paramCells("KL(Cauchy || Cauchy)", ad.ReduceCols, divergenceRows, []ad.Var{p.Loc, p.Scale, q.Loc, q.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		sa, sb := v[1], v[3]
		dm, ds := v[0]-v[2], sa-sb
		sum := sa + sb
		a := sum*sum + dm*dm
		g[0], g[2] = 2*dm/a, -2*dm/a
		g[1], g[3] = 2*sum/a-1/sa, 2*sum/a-1/sb
		return math.Log1p((ds*ds + dm*dm) / (4 * sa * sb))
	}), nil
}
