package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
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
	return paramCells("KL(Uniform || Uniform)", ad.ReduceCols, divergenceRows, []ad.Var{p.Low, p.High, q.Low, q.High}, func(v, g *[4]float64, _ *[4]bool) float64 {
		la, ha, lb, hb := v[0], v[1], v[2], v[3]
		if la < lb || ha > hb {
			return math.Inf(1) // the row's partials are 0 (divergenceRows)
		}
		wa, wb := ha-la, hb-lb
		g[0], g[1], g[2], g[3] = 1/wa, -1/wa, -1/wb, 1/wb
		return math.Log1p(((hb - ha) + (la - lb)) / wa)
	}), nil
}
