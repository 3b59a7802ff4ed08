package vi

import "math"

// paretoKHat returns the PSIS k-hat of log-weights (placeholder until the
// estimators package provides PSIS).
func paretoKHat(logw []float64) float64 { return math.NaN() }
