package estimators

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLogMeanExp(t *testing.T) {
	// Moderate values: the naive formula is exact enough to compare with.
	x := []float64{-1.5, 0.3, 2.2, -0.7}
	var s float64
	for _, v := range x {
		s += math.Exp(v)
	}
	assert.InDelta(t, math.Log(s/4), LogMeanExp(x), 1e-15)
	// Large values would overflow naively: log((e^1000 + e^1001)/2) =
	// 1000 + log((1 + e)/2).
	assert.InDelta(t, 1000+math.Log((1+math.E)/2), LogMeanExp([]float64{1000, 1001}), 1e-12)
	// And tiny ones would underflow.
	assert.InDelta(t, -2000+math.Log((1+math.E)/2), LogMeanExp([]float64{-2000, -1999}), 1e-12)
	// One value: itself.
	assert.Equal(t, 3.25, LogMeanExp([]float64{3.25}))
	// Equal values: that value (no log(n) error).
	assert.InDelta(t, 7.0, LogMeanExp([]float64{7, 7, 7, 7, 7, 7, 7}), 1e-15)
	// -Inf entries are zeros: log((e^0 + 0)/2) = -log 2.
	assert.InDelta(t, -math.Ln2, LogMeanExp([]float64{0, math.Inf(-1)}), 1e-15)
	assert.True(t, math.IsInf(LogMeanExp([]float64{math.Inf(-1), math.Inf(-1)}), -1))
	assert.True(t, math.IsInf(LogMeanExp([]float64{1, math.Inf(1)}), 1))
	assert.True(t, math.IsNaN(LogMeanExp([]float64{1, math.NaN(), math.Inf(1)})))
	assert.Panics(t, func() { LogMeanExp(nil) })
}

func TestLogMeanExpWeighted(t *testing.T) {
	x := []float64{-1.5, 0.3, 2.2, -0.7}
	w := []float64{0.5, 2, 0.25, 1}
	var s, sw float64
	for i, v := range x {
		s += w[i] * math.Exp(v)
		sw += w[i]
	}
	assert.InDelta(t, math.Log(s/sw), LogMeanExpWeighted(x, w), 1e-15)
	// Equal weights: LogMeanExp.
	assert.InDelta(t, LogMeanExp(x), LogMeanExpWeighted(x, []float64{3, 3, 3, 3}), 1e-15)
	// Large values.
	assert.InDelta(t, 1000+math.Log((1+3*math.E)/4), LogMeanExpWeighted([]float64{1000, 1001}, []float64{1, 3}), 1e-12)
	// A zero weight removes its value, even NaN or +Inf.
	assert.InDelta(t, 2.0, LogMeanExpWeighted([]float64{2, math.NaN(), math.Inf(1)}, []float64{1, 0, 0}), 1e-15)
	assert.True(t, math.IsNaN(LogMeanExpWeighted([]float64{1}, []float64{0})))
	assert.True(t, math.IsInf(LogMeanExpWeighted([]float64{math.Inf(-1)}, []float64{1}), -1))
	assert.Panics(t, func() { LogMeanExpWeighted([]float64{1}, []float64{-1}) })
	assert.Panics(t, func() { LogMeanExpWeighted([]float64{1}, []float64{math.NaN()}) })
	assert.Panics(t, func() { LogMeanExpWeighted([]float64{1, 2}, []float64{1}) })
}
