package estimators

import (
	"fmt"
	"math"
)

// LogMeanExp returns log((1/n) Σ exp(x_i)) without overflow or underflow:
// the largest x_i is factored out, m + log((1/n) Σ exp(x_i - m)), so every
// exponent is <= 0 and the largest term is exactly 1. It is the log of an
// importance-sampling estimate of a normalizing constant (x the log
// weights), as in IWAE. It returns -Inf when every x_i is -Inf, +Inf when
// some x_i is +Inf and none is NaN, and NaN when some x_i is NaN. It
// panics if x is empty.
func LogMeanExp(x []float64) float64 {
	if len(x) == 0 {
		panic("estimators: LogMeanExp of no values")
	}
	m := math.Inf(-1)
	for _, v := range x {
		if math.IsNaN(v) {
			return v
		}
		m = math.Max(m, v)
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s/float64(len(x)))
}

// LogMeanExpWeighted returns log(Σ w_i exp(x_i) / Σ w_i), the log of a
// weighted mean of exp(x), computed as LogMeanExp is: terms with w_i = 0
// are left out (even where x_i is ±Inf or NaN). It returns -Inf when every
// remaining x_i is -Inf and NaN when the weights sum to 0. It panics if
// len(w) != len(x) or a weight is negative, infinite or NaN.
func LogMeanExpWeighted(x, w []float64) float64 {
	if len(w) != len(x) {
		panic(fmt.Sprintf("estimators: LogMeanExpWeighted: %d values and %d weights", len(x), len(w)))
	}
	m := math.Inf(-1)
	var sw float64
	for i, v := range x {
		wi := w[i]
		if !(wi >= 0) || math.IsInf(wi, 1) {
			panic(fmt.Sprintf("estimators: LogMeanExpWeighted: weight[%d] = %v, want a finite number >= 0", i, wi))
		}
		if wi == 0 {
			continue
		}
		if math.IsNaN(v) {
			return v
		}
		sw += wi
		m = math.Max(m, v)
	}
	if sw == 0 {
		return math.NaN()
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for i, v := range x {
		if w[i] != 0 {
			s += w[i] * math.Exp(v-m)
		}
	}
	return m + math.Log(s/sw)
}
