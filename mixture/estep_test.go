package mixture

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEStep2MatchesGeneral: the 2-D E step (packed parameters, one shift
// for all points) gives the responsibilities and entropy of the general
// path (through mahalanobis, shifted by each point's maximum) and of a
// direct computation with math.Exp and math.Log, to rounding, also for
// points far in the tails that the 2-D path redoes with their maximum.
func TestEStep2MatchesGeneral(t *testing.T) {
	x, _ := draw(rand.New(rand.NewPCG(4, 5)), 3000)
	// Far points: s_p of the fixed shift underflows.
	x = append(x, 300, -200, -150, 400, 1e4, 1e4)
	m, err := Fit(context.Background(), x[:6000], 2, NewConfig(6))
	require.NoError(t, err)
	np, k := len(x)/2, m.K
	r1, s1, a1 := make([]float64, np*k), make([]float64, np), make([]float64, np)
	r2, s2, a2 := make([]float64, np*k), make([]float64, np), make([]float64, np)
	eStep2(m.e2, x, r1, s1, a1, make([]float64, np*k), k)
	m.eStepGeneral(x, r2, s2, a2, make([]float64, np*k), make([]float64, np), make([]float64, 2), make([]float64, k))
	lg := make([]float64, np)
	ent1 := finishE(s1, a1, lg)
	ent2 := finishE(s2, a2, lg)
	assert.InEpsilon(t, ent2, ent1, 1e-13, "Σ r log r, 2-D against general path")
	redone, c := 0, math.Inf(-1)
	for _, v := range m.logConst {
		c = max(c, v)
	}
	var want float64
	lp := make([]float64, k)
	for p := range np {
		lse := m.logRho(lp, x[2*p:2*p+2], make([]float64, 2), true)
		if lse-c < math.Log(sMin) {
			redone++
		}
		for j, l := range lp {
			r := math.Exp(l - lse)
			assert.InDelta(t, r, r1[j*np+p]*s1[p], 1e-14, "r[%d][%d]", p, j)
			assert.InDelta(t, r2[j*np+p]*s2[p], r1[j*np+p]*s1[p], 1e-14, "r[%d][%d], 2-D against general path", p, j)
			if r > 0 {
				want += r * (l - lse)
			}
		}
	}
	assert.InEpsilon(t, want, ent1, 1e-12, "Σ r log r")
	assert.GreaterOrEqual(t, redone, 2, "far points redone with their maximum")
}
