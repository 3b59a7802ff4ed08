package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
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
	return paramCells("KL(Pareto || Pareto)", ad.ReduceCols, divergenceRows, []ad.Var{p.Scale, p.Alpha, q.Scale, q.Alpha}, func(v, g *[4]float64, _ *[4]bool) float64 {
		x1, a1, x2, a2 := v[0], v[1], v[2], v[3]
		if x1 < x2 {
			return math.Inf(1)
		}
		lx := math.Log1p((x1 - x2) / x2)
		g[0], g[2] = a2/x1, -a2/x2
		g[1] = (a1 - a2) / (a1 * a1) // 1/α1 - α2/α1²
		g[3] = (a2-a1)/(a1*a2) + lx  // 1/α1 - 1/α2 + log(x1/x2)
		return special.LogRatioM1(math.Log1p((a2-a1)/a1)) + a2*lx
	}), nil
}
