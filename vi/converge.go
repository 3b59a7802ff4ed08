package vi

import (
	"math"
	"sort"
)

// convergence is the relative-ELBO stopping rule of Converge (Stan's
// ADVI, Kucukelbir et al. 2017): the relative change between the mean
// ELBOs of consecutive evaluation windows is kept in a circular buffer of
// window entries, and the fit has converged when their mean or their
// median falls below tolRel. A tolRel of 0 disables it.
type convergence struct {
	tolRel float64
	window int
}

// observe takes m, the mean ELBO of the latest evaluation window, and
// reports whether the fit has converged.
func (c convergence) observe(st *fitState, m float64) bool {
	if c.tolRel <= 0 {
		return false
	}
	converged := false
	if st.HavePrev {
		rel := math.Abs((m - st.PrevMean) / m)
		st.Rel = append(st.Rel, rel)
		if len(st.Rel) > c.window {
			st.Rel = st.Rel[1:]
		}
		converged = len(st.Rel) >= 2 && (mean(st.Rel) < c.tolRel || median(st.Rel) < c.tolRel)
	}
	st.PrevMean, st.HavePrev = m, true
	return converged
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func median(x []float64) float64 {
	y := append([]float64(nil), x...)
	sort.Float64s(y)
	n := len(y)
	if n%2 == 1 {
		return y[n/2]
	}
	return 0.5 * (y[n/2-1] + y[n/2])
}
