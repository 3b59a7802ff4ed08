package special

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLangevinAgainstMpmath(t *testing.T) {
	// testdata/langevin_ref.json is written by testdata/gen_langevin_ref.py
	// (mpmath, 80 digits).
	b, err := os.ReadFile("testdata/langevin_ref.json")
	require.NoError(t, err)
	var ref struct {
		Langevin []struct{ X, L, Dl, D2l, Logsinhc, Transform float64 }
	}
	require.NoError(t, json.Unmarshal(b, &ref))
	require.NotEmpty(t, ref.Langevin)
	for _, c := range ref.Langevin {
		for _, chk := range []struct {
			name      string
			want, got float64
			tol       float64
		}{
			{"L", c.L, Langevin(c.X), 1e-15},
			{"L'", c.Dl, LangevinDeriv(c.X), 1e-15},
			{"L''", c.D2l, LangevinDeriv2(c.X), 2e-14},
			{"LogSinhc", c.Logsinhc, LogSinhc(c.X), 1e-15},
			{"LogSinhcTransform", c.Transform, LogSinhcTransform(c.X), 1e-15},
		} {
			assert.LessOrEqual(t, relErrMisc(chk.want, chk.got), chk.tol, "%s(%v): want %v got %v", chk.name, c.X, chk.want, chk.got)
		}
	}
	// Exact first coefficients: 1/3, -1/45, 2/945, -1/4725.
	assert.Equal(t, []float64{1.0 / 3, -1.0 / 45, 2.0 / 945, -1.0 / 4725}, langevinCoef[:4])
	assert.Equal(t, 0.0, Langevin(0))
	assert.Equal(t, 1.0/3, LangevinDeriv(0))
	assert.Equal(t, 1.0, Langevin(math.Inf(1)))
	assert.Equal(t, math.Inf(1), LogSinhc(math.Inf(-1)))
}
