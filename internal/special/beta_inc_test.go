package special

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mathext"
)

// TestRegIncBetaDabMpmath compares with mpmath (40 digits, numerical
// differentiation of betainc; testdata/gen_beta_inc_dab.py).
func TestRegIncBetaDabMpmath(t *testing.T) {
	raw, err := os.ReadFile("testdata/beta_inc_dab.json")
	require.NoError(t, err)
	var refs []struct{ A, B, X, Da, Db float64 }
	require.NoError(t, json.Unmarshal(raw, &refs))
	require.NotEmpty(t, refs)
	for _, r := range refs {
		da, db := RegIncBetaDab(r.A, r.B, r.X)
		assert.InEpsilon(t, r.Da, da, 1e-11, "∂I/∂a at a=%v b=%v x=%v", r.A, r.B, r.X)
		assert.InEpsilon(t, r.Db, db, 1e-11, "∂I/∂b at a=%v b=%v x=%v", r.A, r.B, r.X)
	}
}

// TestRegIncBetaDabFiniteDifferences checks against central differences of
// gonum's mathext.RegIncBeta.
func TestRegIncBetaDabFiniteDifferences(t *testing.T) {
	for _, c := range [][3]float64{{0.7, 1.3, 0.2}, {0.7, 1.3, 0.8}, {4, 9, 0.3}, {12, 2, 0.9}, {50, 50, 0.47}} {
		a, b, x := c[0], c[1], c[2]
		na := fd.Derivative(func(s float64) float64 { return mathext.RegIncBeta(s, b, x) }, a, &fd.Settings{Formula: fd.Central, Step: 1e-5 * a})
		nb := fd.Derivative(func(s float64) float64 { return mathext.RegIncBeta(a, s, x) }, b, &fd.Settings{Formula: fd.Central, Step: 1e-5 * b})
		da, db := RegIncBetaDab(a, b, x)
		assert.InEpsilon(t, na, da, 1e-6, "∂I/∂a at %v", c)
		assert.InEpsilon(t, nb, db, 1e-6, "∂I/∂b at %v", c)
	}
	da, db := RegIncBetaDab(2, 3, 0)
	assert.Equal(t, [2]float64{0, 0}, [2]float64{da, db})
	da, _ = RegIncBetaDab(-1, 3, 0.5)
	assert.True(t, da != da, "NaN outside the domain")
}
