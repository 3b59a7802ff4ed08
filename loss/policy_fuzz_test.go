package loss

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzSampledKL: SampledKLOldNew never panics on hostile log-probabilities;
// what it accepts gives a value that is not NaN (k2 and k3 also never
// negative), a standard error that is not NaN and never negative, and N
// equal to the number of samples.
func FuzzSampledKL(f *testing.F) {
	b := func(x ...float64) []byte { return floatBytes(x) }
	f.Add(b(-1.2, -1.0, -0.3, -0.5), uint8(2))
	f.Add(b(-0.1, math.Inf(-1)), uint8(0))
	f.Add(b(0, math.NaN()), uint8(1))
	f.Add(b(-700, 0, 0, -800), uint8(2))
	f.Add(b(), uint8(3))
	f.Fuzz(func(t *testing.T, raw []byte, e uint8) {
		x := floatsFrom(raw)
		n := len(x) / 2
		logOld, logNew := x[:n], x[n:2*n]
		est := Estimator(e % 4)
		s, err := SampledKLOldNew(logOld, logNew, est)
		if err != nil {
			return
		}
		if s.N != n || math.IsNaN(s.Value) || math.IsNaN(s.StdErr) || s.StdErr < 0 {
			t.Fatalf("%v on %v, %v: %+v", est, logOld, logNew, s)
		}
		if est != K1 && s.Value < 0 {
			t.Fatalf("%v negative: %+v", est, s)
		}
	})
}

// TestSampledKLInfinite: an action that π_new cannot take makes every
// estimator +Inf with an infinite standard error; an overflowing log-ratio
// is an error naming the sample.
func TestSampledKLInfinite(t *testing.T) {
	for _, est := range []Estimator{K1, K2, K3} {
		s, err := SampledKLOldNew([]float64{-0.5, -1, -2}, []float64{-0.4, math.Inf(-1), -2.1}, est)
		require.NoError(t, err, "%v", est)
		assert.True(t, math.IsInf(s.Value, 1), "%v: value %v, want +Inf", est, s.Value)
		assert.True(t, math.IsInf(s.StdErr, 1), "%v: standard error %v, want +Inf", est, s.StdErr)
		assert.Equal(t, 3, s.N, "%v: samples", est)
	}
	_, err := SampledKLOldNew([]float64{-1e308}, []float64{1e308}, K1)
	require.Error(t, err, "overflowing log-ratio")
	assert.Contains(t, err.Error(), "sample 0")
}
