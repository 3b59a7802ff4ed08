package estimators

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func TestNormalizedWeightsAndESS(t *testing.T) {
	logw := []float64{math.Log(1), math.Log(2), math.Log(3), math.Log(4)}
	w := NormalizedWeights(nil, logw)
	for i, v := range w {
		assert.InDelta(t, float64(i+1)/10, v, 1e-15)
	}
	// (Σw)²/Σw² = 100/30.
	assert.InDelta(t, 100.0/30, ESS(logw), 1e-13)
	// Shifting all log weights changes nothing, also far beyond overflow.
	shifted := []float64{800, 800 + math.Log(2), 800 + math.Log(3), 800 + math.Log(4)}
	assert.InDeltaSlice(t, w, NormalizedWeights(make([]float64, 4), shifted), 1e-12) // 800 + log k is rounded to ~1e-13
	assert.InDelta(t, 100.0/30, ESS(shifted), 1e-12)
	// Equal weights: ESS = n; one dominant weight: ESS = 1.
	assert.InDelta(t, 5, ESS([]float64{-3, -3, -3, -3, -3}), 1e-13)
	assert.InDelta(t, 1, ESS([]float64{0, math.Inf(-1), math.Inf(-1)}), 1e-15)
	assert.Equal(t, 0.0, ESS([]float64{math.Inf(-1)}))
	assert.Equal(t, 0.0, ESS(nil))
	// +Inf log weights share the mass.
	assert.Equal(t, []float64{0.5, 0, 0.5}, NormalizedWeights(nil, []float64{math.Inf(1), 3, math.Inf(1)}))
	assert.Equal(t, 2.0, ESS([]float64{math.Inf(1), 3, math.Inf(1)}))
	assert.Panics(t, func() { NormalizedWeights(make([]float64, 2), logw) })
}

func TestLogWeights(t *testing.T) {
	got := LogWeights(nil, []float64{-1, math.Inf(-1), math.Inf(-1), 2}, []float64{-2, -3, math.Inf(-1), 0.5})
	assert.Equal(t, []float64{1, math.Inf(-1), math.Inf(-1), 1.5}, got)
	assert.Panics(t, func() { LogWeights(nil, []float64{1}, nil) })
}

// SNIS of E[x] and E[x²] under N(1, 0.8²) from a wider N(0, 1.5²)
// proposal agrees with the truth within 4 standard errors, and the
// delta-method standard errors are calibrated over 200 seeds (coverage of
// ±1.96 se within 4 binomial standard deviations of 0.95).
func TestSNIS(t *testing.T) {
	target, proposal := normal1(1, 0.8), normal1(0, 1.5)
	x, logw := ImportanceSample(newRNG(7), target, proposal, 50000)
	xs := x.Value()
	f2 := make([]float64, len(xs))
	for i, v := range xs {
		f2[i] = v * v
	}
	e1, e2 := SNIS(logw, xs), SNIS(logw, f2)
	assert.Equal(t, "snis", e1.Method)
	assert.Equal(t, 50000, e1.N)
	assert.InDelta(t, 1, e1.Value, 4*e1.StdErr, "E[x] = %v ± %v", e1.Value, e1.StdErr)
	assert.InDelta(t, 1.64, e2.Value, 4*e2.StdErr, "E[x²] = %v ± %v", e2.Value, e2.StdErr)
	assert.Less(t, e1.StdErr, 0.02)
	ess := ESS(logw)
	assert.Greater(t, ess, 0.3*50000.0)
	assert.Less(t, ess, 50000.0)

	const reps = 200
	var in int
	rng := newRNG(8)
	for range reps {
		x, logw := ImportanceSample(rng, target, proposal, 400)
		e := SNIS(logw, x.Value())
		if math.Abs(e.Value-1) < 1.96*e.StdErr {
			in++
		}
	}
	assert.InDelta(t, 0.95, float64(in)/reps, 4*math.Sqrt(0.95*0.05/reps), "coverage of SNIS ± 1.96 se")

	// Zero weights leave their f out, even NaN.
	e := SNIS([]float64{0, math.Inf(-1), 0}, []float64{1, math.NaN(), 3})
	assert.Equal(t, 2.0, e.Value)
	assert.InDelta(t, math.Sqrt(0.25+0.25), e.StdErr, 1e-15)
	assert.Panics(t, func() { SNIS([]float64{0}, []float64{1, 2}) })
	assert.Panics(t, func() { SNIS(nil, nil) })
}

// LogMeanExp of the log weights estimates the log normalizing constant of
// an unnormalized target: here exp(3)·N(1, 0.8²), so log Z = 3, within 4
// delta-method standard errors sd(w)/(mean(w)√n).
func TestImportanceLogNormalizer(t *testing.T) {
	target := LogDensityFunc(func(x ad.Var) ad.Var {
		return ad.Shift(normal1(1, 0.8).LogProb(x), 3)
	})
	const n = 40000
	_, logw := ImportanceSample(newRNG(9), target, normal1(0, 1.5), n)
	w := make([]float64, n)
	for i, v := range logw {
		w[i] = math.Exp(v - 3)
	}
	m, v := meanVar(w)
	se := math.Sqrt(v/n) / m
	require.Less(t, se, 0.01)
	assert.InDelta(t, 3, LogMeanExp(logw), 4*se)
}
