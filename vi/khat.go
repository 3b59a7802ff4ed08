package vi

import (
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
