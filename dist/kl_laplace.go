package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klLaplaceLaplace)
}

// klLaplaceLaplace is KL(Laplace(m1, b1) || Laplace(m2, b2))
// = log(b2/b1) + d/b2 + (b1/b2) e^{-d/b1} - 1 with d = |m1 - m2| (e.g.
// Gil, Alajaji & Hoseinzade, "Rényi divergence measures for commonly used
// univariate continuous distributions", 2013), summed over columns.
//
// With u = log(b1/b2) - d/b1 the sum is rewritten as
// (e^u - 1 - u) + d (b1 - b2)/(b1 b2): the first term is evaluated with
// special.LogRatioM1 and both are O(δ²) when p is δ away from q, so the
// value keeps its relative accuracy near p = q where the naive form
// cancels. For u < -1 (far from q with b1 < b2) the two terms would cancel
// instead, and the direct form, whose terms do not, is used.
func klLaplaceLaplace(p, q Laplace) (ad.Var, error) {
	return paramCells("KL(Laplace || Laplace)", ad.ReduceCols, divergenceRows, []ad.Var{p.Loc, p.Scale, q.Loc, q.Scale}, func(v, g *[4]float64, need *[4]bool) float64 {
		sa, sb := v[1], v[3]
		diff := v[0] - v[2]
		d := math.Abs(diff)
		t := d / sa
		if need[0] || need[2] {
			gm := -signum(diff) * math.Expm1(-t) / sb // sign(Δ)(1 - e^{-t})/b2
			g[0], g[2] = gm, -gm
		}
		if need[1] || need[3] {
			e := math.Exp(-t)
			g[1] = -1/sa + e*(1+t)/sb
			g[3] = (1 - d/sb - sa/sb*e) / sb
		}
		u := math.Log1p((sa-sb)/sb) - t // log(b1/b2) - t, accurate when b1 ≈ b2
		if u < -1 {
			// Far from p = q with b1 < b2, where the two terms
			// below would cancel; here no term does.
			return math.Log(sb/sa) + d/sb + math.Exp(u) - 1
		}
		return special.LogRatioM1(u) + d*((sa-sb)/(sa*sb))
	}), nil
}
