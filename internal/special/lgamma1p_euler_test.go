package special

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLgamma1pEulerMpmath compares with 50-digit mpmath values of
// loggamma(1+x) + euler*x written by dist/testdata/gen_locscale_ref.py.
func TestLgamma1pEulerMpmath(t *testing.T) {
	raw, err := os.ReadFile("testdata/lgamma1p_euler_ref.json")
	require.NoError(t, err)
	var refs []struct{ X, Value string }
	require.NoError(t, json.Unmarshal(raw, &refs))
	require.NotEmpty(t, refs)
	for _, r := range refs {
		x, err := strconv.ParseFloat(r.X, 64)
		require.NoError(t, err)
		want, err := strconv.ParseFloat(r.Value, 64)
		require.NoError(t, err)
		assert.InEpsilon(t, want, Lgamma1pEuler(x), 4e-15, "Lgamma1pEuler(%v)", x)
	}
}

func TestLgamma1pEulerProperties(t *testing.T) {
	// Leading terms of DLMF 5.7.3 with ζ(2) = π²/6, ζ(3), ζ(4) = π⁴/90:
	// independent of the coefficient table; the truncation error is
	// O(x⁵)/O(x²) = O(x³) relative.
	const zeta3 = 1.2020569031595942854
	for _, x := range []float64{1e-4, -1e-4, 3e-5} {
		want := math.Pi*math.Pi/12*x*x - zeta3/3*x*x*x + math.Pow(math.Pi, 4)/360*x*x*x*x
		assert.InEpsilon(t, want, Lgamma1pEuler(x), 1e-12, "series at %v", x)
	}
	// Continuity across the switch at |x| = 1/2 and agreement with the
	// direct form where it does not cancel.
	for _, x := range []float64{-0.5, 0.5, 0.6, -0.6, 1.5} {
		lg, _ := math.Lgamma(1 + x)
		assert.InEpsilon(t, lg+EulerGamma*x, Lgamma1pEuler(x), 1e-14, "direct at %v", x)
	}
	assert.InEpsilon(t, Lgamma1pEuler(math.Nextafter(0.5, 0)), Lgamma1pEuler(0.5), 1e-14, "continuity at 1/2")
	assert.InEpsilon(t, Lgamma1pEuler(math.Nextafter(-0.5, 0)), Lgamma1pEuler(-0.5), 1e-14, "continuity at -1/2")
	assert.Equal(t, 0.0, Lgamma1pEuler(0))
	assert.True(t, math.IsInf(Lgamma1pEuler(-1), 1))
	assert.True(t, math.IsNaN(Lgamma1pEuler(-1.5)))
	assert.True(t, math.IsNaN(Lgamma1pEuler(math.NaN())))
	// Non-negative (convexity of log Γ) on a grid.
	for x := -0.99; x < 5; x += 0.01 {
		assert.GreaterOrEqual(t, Lgamma1pEuler(x), 0.0, "non-negative at %v", x)
	}
}
