package posteriordb

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/vi"
)

func TestRefLabel(t *testing.T) {
	for in, want := range map[string]string{
		"theta[0]": "theta[1]", "theta[7]": "theta[8]", "f[10]": "f[11]",
		"mu": "mu", "a[b]": "a[b]", "x[1][2]": "x[1][3]",
	} {
		assert.Equal(t, want, refLabel(in), in)
	}
}

// TestCompare builds a result with known draws: column j of the "theta"
// site is compared with reference theta[j+1]; a parameter missing from the
// fit gives NaN and is never within tolerance.
func TestCompare(t *testing.T) {
	p, err := Load("eight_schools-eight_schools_noncentered")
	require.NoError(t, err)
	// Two draws per column: mean m, sd |a-b|/√2.
	theta := make([]float64, 2*8)
	for j := range 8 {
		r, _ := p.Ref(vecName("theta", j+1))
		// mean = ref mean + 0.1 (j+1) ref sd; sd = ref sd (1 + 0.05 j).
		m, s := r.Mean+0.1*float64(j+1)*r.SD, r.SD*(1+0.05*float64(j))
		theta[j], theta[8+j] = m-s/math.Sqrt2, m+s/math.Sqrt2
	}
	mu, _ := p.Ref("mu")
	res := &vi.Result{
		Order: []string{"z", "theta", "mu"},
		Draws: map[string]ad.Matrix{
			"z":     {Rows: 2, Cols: 10, Data: make([]float64, 20)},
			"theta": {Rows: 2, Cols: 8, Data: theta},
			"mu":    {Rows: 2, Cols: 1, Data: []float64{mu.Mean - 2, mu.Mean + 2}},
		},
	}
	rows := Compare(p, res)
	require.Len(t, rows, 10)
	for j := range 8 {
		c := rows[j]
		r, _ := p.Ref(vecName("theta", j+1))
		assert.Equal(t, r.Name, c.Name)
		assert.Equal(t, r.Mean, c.RefMean)
		assert.Equal(t, r.SD, c.RefSD)
		assert.InDelta(t, 0.1*float64(j+1), c.MeanErr, 1e-12, c.Name)
		assert.InDelta(t, 1+0.05*float64(j), c.SDRatio, 1e-12, c.Name)
		assert.Equal(t, j < 2, c.Within(0.25, 0.25), c.Name)
	}
	assert.True(t, rows[0].Within(0.1+1e-9, 0.01))
	assert.False(t, rows[1].Within(0.1, math.Inf(1)), "mean error 0.2 > 0.1")
	assert.False(t, rows[7].Within(1, 0.3), "sd ratio 1.35")
	assert.True(t, rows[7].Within(1, math.Inf(1)), "means only")
	assert.Equal(t, "mu", rows[8].Name)
	assert.InDelta(t, mu.Mean, rows[8].Mean, 1e-12)
	assert.InDelta(t, 2*math.Sqrt2/mu.SD, rows[8].SDRatio, 1e-12)
	// tau is not in the fit.
	assert.Equal(t, "tau", rows[9].Name)
	assert.True(t, math.IsNaN(rows[9].Mean) && math.IsNaN(rows[9].MeanErr) && math.IsNaN(rows[9].SDRatio))
	assert.False(t, rows[9].Within(math.Inf(1), math.Inf(1)))
	m, s := Worst(rows)
	assert.True(t, math.IsNaN(m) && math.IsNaN(s), "a missing parameter makes the worst case NaN")
	m, s = Worst(rows[:8])
	assert.InDelta(t, 0.8, m, 1e-12)
	assert.InDelta(t, 0.35, s, 1e-12)

	tab := Table(rows[:8])
	assert.Equal(t, 10, strings.Count(tab, "\n"), tab)
	assert.Contains(t, tab, "theta[8]")
	assert.Contains(t, tab, "worst |Δmean|/sd 0.800, worst |sd/ref - 1| 0.350")
}
