package vi

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/estimators"
)

// paretoKHat returns the PSIS k-hat (Vehtari et al.) of log importance
// weights, NaN when there are too few weights for the fit.
func paretoKHat(logw []float64) float64 {
	_, k, err := estimators.PSIS(logw)
	if err != nil {
		return math.NaN()
	}
	return k
}

// psisWeights returns the normalized Pareto-smoothed importance weights of
// log-weights and k-hat.
func psisWeights(logw []float64) ([]float64, float64, error) {
	sm, k, err := estimators.PSIS(logw)
	if err != nil {
		return nil, math.NaN(), fmt.Errorf("vi: PSIS: %w", err)
	}
	mx := math.Inf(-1)
	for _, v := range sm {
		mx = math.Max(mx, v)
	}
	w := make([]float64, len(sm))
	var s float64
	for i, v := range sm {
		w[i] = math.Exp(v - mx)
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w, k, nil
}
