package mixture

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEStep2MatchesGeneral: the 2-D E step (packed parameters) gives the
// same bits as the general path through mahalanobis, and its responsibilities and entropy match a
// direct computation with math.Exp and math.Log to rounding, also for
// points far in the tails where some exponents fall below -708.
func TestEStep2MatchesGeneral(t *testing.T) {
	x, _ := draw(rand.New(rand.NewPCG(4, 5)), 3000)
	// Far points: components underflow.
	x = append(x, 300, -200, -150, 400, 1e4, 1e4)
	m, err := Fit(context.Background(), x[:6000], 2, NewConfig(6))
	require.NoError(t, err)
	np, k := len(x)/2, m.K
	r1, s1, a1 := make([]float64, np*k), make([]float64, np), make([]float64, np)
	r2, s2, a2 := make([]float64, np*k), make([]float64, np), make([]float64, np)
	eStep2(m.e2, x, r1, s1, a1, make([]float64, np*k), make([]float64, np), k)
	m.eStepGeneral(x, r2, s2, a2, make([]float64, np*k), make([]float64, np), make([]float64, 2), make([]float64, k))
	for i := range r1 {
		require.Equal(t, math.Float64bits(r2[i]), math.Float64bits(r1[i]), "e[%d]", i)
	}
	for p := range s1 {
		require.Equal(t, math.Float64bits(s2[p]), math.Float64bits(s1[p]), "s[%d]", p)
		require.Equal(t, math.Float64bits(a2[p]), math.Float64bits(a1[p]), "a[%d]", p)
	}
	lg := make([]float64, np)
	ent := finishE(s1, a1, lg)
	var want float64
	lp := make([]float64, k)
	for p := range np {
		lse := m.logRho(lp, x[2*p:2*p+2], make([]float64, 2), true)
		for j, l := range lp {
			r := math.Exp(l - lse)
			assert.InDelta(t, r, r1[j*np+p]*s1[p], 1e-14, "r[%d][%d]", p, j)
			if r > 0 {
				want += r * (l - lse)
			}
		}
	}
	assert.InEpsilon(t, want, ent, 1e-12, "Σ r log r")
}
