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

// stirlingRef is testdata/stirling_ref.json, written by
// testdata/gen_stirling.py from the direct definitions at 60 digits.
type stirlingRef struct {
	Binet           []struct{ X, V string }    `json:"binet"`
	Srem            []struct{ X, V string }    `json:"srem"`
	Logmdig         []struct{ X, V string }    `json:"logmdig"`
	GammaNegentropy []struct{ X, V string }    `json:"gamma_negentropy"`
	BetaNegentropy  []struct{ A, B, V string } `json:"beta_negentropy"`
	LgammaBregman   []struct{ A, B, V string } `json:"lgamma_bregman_far"`
}

func parseStirling(t *testing.T, ss ...string) []float64 {
	t.Helper()
	out := make([]float64, len(ss))
	for i, s := range ss {
		v, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err)
		out[i] = v
	}
	return out
}

func TestStirlingRemaindersMpmath(t *testing.T) {
	raw, err := os.ReadFile("testdata/stirling_ref.json")
	require.NoError(t, err)
	var r stirlingRef
	require.NoError(t, json.Unmarshal(raw, &r))
	require.NotEmpty(t, r.Binet)
	require.NotEmpty(t, r.BetaNegentropy)
	for _, e := range r.Binet {
		v := parseStirling(t, e.X, e.V)
		assert.InEpsilon(t, v[1], Binet(v[0]), 2e-15, "Binet(%v)", v[0])
	}
	for _, e := range r.Srem {
		v := parseStirling(t, e.X, e.V)
		assert.InEpsilon(t, v[1], DigammaStirlingRem(v[0]), 2e-15, "DigammaStirlingRem(%v)", v[0])
	}
	for _, e := range r.Logmdig {
		v := parseStirling(t, e.X, e.V)
		assert.InEpsilon(t, v[1], LogMinusDigamma(v[0]), 2e-15, "LogMinusDigamma(%v)", v[0])
	}
	for _, e := range r.GammaNegentropy {
		v := parseStirling(t, e.X, e.V)
		assert.InEpsilon(t, v[1], GammaNegentropy(v[0]), 4e-15, "GammaNegentropy(%v)", v[0])
	}
	for _, e := range r.BetaNegentropy {
		v := parseStirling(t, e.A, e.B, e.V)
		assert.InEpsilon(t, v[2], BetaNegentropy(v[0], v[1]), 2e-14, "BetaNegentropy(%v, %v)", v[0], v[1])
	}
}

// TestLgammaBregmanFarApart checks LgammaBregman(a, b) for b << a,
// including a/b beyond 1/ε, where it returned NaN before (1 + (b-a)/a
// rounded to 0), against mpmath at 400 digits.
func TestLgammaBregmanFarApart(t *testing.T) {
	raw, err := os.ReadFile("testdata/stirling_ref.json")
	require.NoError(t, err)
	var r stirlingRef
	require.NoError(t, json.Unmarshal(raw, &r))
	require.NotEmpty(t, r.LgammaBregman)
	for _, e := range r.LgammaBregman {
		v := parseStirling(t, e.A, e.B, e.V)
		assert.InEpsilon(t, v[2], LgammaBregman(v[0], v[1]), 1e-14, "LgammaBregman(%v, %v)", v[0], v[1])
	}
}

// TestStirlingRemaindersDirect compares with the direct definitions at
// small x, where they cancel only a few digits (1e-13), and checks the
// edge cases.
func TestStirlingRemaindersDirect(t *testing.T) {
	for _, x := range []float64{1, 1.25, 2, 3.5} {
		lg, _ := math.Lgamma(x)
		assert.InEpsilon(t, lg-(x-0.5)*math.Log(x)+x-halfLog2Pi, Binet(x), 1e-13, "Binet(%v)", x)
		assert.InEpsilon(t, math.Log(x)-0.5/x-Digamma(x), DigammaStirlingRem(x), 1e-13, "S(%v)", x)
	}
	// Both sides of the switch to the asymptotic series agree.
	assert.InEpsilon(t, Binet(math.Nextafter(10, 0)), Binet(10), 1e-14)
	assert.InEpsilon(t, DigammaStirlingRem(math.Nextafter(10, 0)), DigammaStirlingRem(10), 1e-14)
	for _, f := range []func(float64) float64{Binet, DigammaStirlingRem} {
		assert.True(t, math.IsNaN(f(0)))
		assert.True(t, math.IsNaN(f(-1)))
		assert.True(t, math.IsNaN(f(math.NaN())))
		assert.Equal(t, 0.0, f(math.Inf(1)))
	}
	// Gamma(1) is the exponential: J = ½ log 2π - ½.
	assert.InEpsilon(t, halfLog2Pi-0.5, GammaNegentropy(1), 1e-15)
	// Beta(1, 1) is the uniform: J = ½ log(2πe/12).
	assert.InEpsilon(t, 0.5*math.Log(2*math.Pi*math.E/12), BetaNegentropy(1, 1), 1e-15)
}
