package lbfgs

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRosenbrock(t *testing.T) {
	f := func(x, g []float64) float64 {
		a, b := 1-x[0], x[1]-x[0]*x[0]
		g[0] = -2*a - 400*x[0]*b
		g[1] = 200 * b
		return a*a + 100*b*b
	}
	x, fx, err := Minimize(f, []float64{-1.2, 1}, 1e-10, 10, 1000)
	require.NoError(t, err)
	assert.InDelta(t, 1, x[0], 1e-8)
	assert.InDelta(t, 1, x[1], 1e-8)
	assert.Less(t, fx, 1e-16)
}

func TestIllConditionedQuadratic(t *testing.T) {
	// f = Σ 10^i (x_i - i)²/2
	f := func(x, g []float64) float64 {
		var s float64
		for i := range x {
			c := math.Pow(10, float64(i))
			d := x[i] - float64(i)
			s += c * d * d / 2
			g[i] = c * d
		}
		return s
	}
	x, _, err := Minimize(f, make([]float64, 6), 1e-9, 10, 2000)
	require.NoError(t, err)
	for i := range x {
		assert.InDelta(t, float64(i), x[i], 1e-8, "x[%d]", i)
	}
}

func TestErrors(t *testing.T) {
	_, _, err := Minimize(func(x, g []float64) float64 { g[0] = -1; return -x[0] }, []float64{0}, 1e-9, 10, 50)
	require.Error(t, err, "unbounded below")
	_, _, err = Minimize(func(x, g []float64) float64 { g[0] = math.NaN(); return 0 }, []float64{0}, 1e-9, 10, 50)
	require.Error(t, err, "non-finite gradient at the start")
}
