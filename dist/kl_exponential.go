package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klExponentialExponential)
}

// klExponentialExponential is KL(Exp(λ1) || Exp(λ2)) = r - 1 - log r with
// r = λ2/λ1, summed over columns, evaluated as special.LogRatioM1 of
// log1p((λ2 - λ1)/λ1) for full relative accuracy near p = q.
func klExponentialExponential(p, q Exponential) (ad.Var, error) {
	return paramCells("KL(Exponential || Exponential)", ad.ReduceCols, divergenceRows, []ad.Var{p.Rate, q.Rate}, func(v, g *[4]float64, _ *[4]bool) float64 {
		la, lb := v[0], v[1]
		g[0] = (la - lb) / (la * la) // 1/λ1 - λ2/λ1²
		g[1] = (lb - la) / (la * lb) // 1/λ1 - 1/λ2
		return special.LogRatioM1(math.Log1p((lb - la) / la))
	}), nil
}
