package mixture

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ulps returns the distance between a and b in units in the last place.
func ulps(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / (math.Nextafter(b, math.Inf(1)) - b)
}

// TestExpNonPos compares expNonPos with math.Exp on a million points of
// [-750, 0] and near 0, and on the special values.
func TestExpNonPos(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	for i := range 1000000 {
		x := -750 * rng.Float64()
		if i%2 == 0 {
			x = -rng.Float64() * math.Pow(10, -8*rng.Float64())
		}
		if u := ulps(expNonPos(x), math.Exp(x)); u > worst {
			worst = u
		}
	}
	if worst > 2 {
		t.Errorf("expNonPos is %v ulp from math.Exp, want <= 2", worst)
	}
	for _, x := range []float64{0, math.Copysign(0, -1), -708, -709, -745, -746, math.Inf(-1)} {
		if got, want := expNonPos(x), math.Exp(x); got != want && ulps(got, want) > 2 {
			t.Errorf("expNonPos(%v) = %v, want %v", x, got, want)
		}
	}
	if !math.IsNaN(expNonPos(math.NaN())) {
		t.Error("expNonPos(NaN) is not NaN")
	}
}
