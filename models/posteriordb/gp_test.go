package posteriordb

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/ad"
)

func gpSpec(t *testing.T) *gpPoisRegr {
	p, err := Load("gp_pois_regr-gp_pois_regr")
	require.NoError(t, err)
	return p.spec.(*gpPoisRegr)
}

// TestGPCholeskyHelper checks the test's loop Cholesky against gonum's:
// L Lᵀ = C, and f = L f̃ agrees to the accuracy the conditioning allows.
func TestGPCholeskyHelper(t *testing.T) {
	m := gpSpec(t)
	n := len(m.x)
	rng := rand.New(rand.NewPCG(9, 10))
	for _, rho := range []float64{0.8, 2, 5.7, 8} {
		c := gpCov(m.x, rho, 2.9)
		l := choleskyLoops(c)
		require.NotNil(t, l, "rho %v", rho)
		sym := mat.NewSymDense(n, nil)
		for i := range n {
			for j := 0; j <= i; j++ {
				sym.SetSym(i, j, c[i][j])
			}
		}
		var ch mat.Cholesky
		require.True(t, ch.Factorize(sym), "rho %v", rho)
		var lg mat.TriDense
		ch.LTo(&lg)
		ft := make([]float64, n)
		for i := range ft {
			ft[i] = rng.NormFloat64()
		}
		for i := range n {
			var rec, f, fg float64
			for j := 0; j <= i; j++ {
				f += l[i][j] * ft[j]
				fg += lg.At(i, j) * ft[j]
			}
			for j := range n {
				rec = 0
				for k := 0; k <= min(i, j); k++ {
					rec += l[i][k] * l[j][k]
				}
				assert.InDelta(t, c[i][j], rec, 1e-13, "rho %v: (L Lᵀ)[%d,%d]", rho, i, j)
			}
			assert.InDelta(t, fg, f, 1e-8*math.Max(1, math.Abs(fg)), "rho %v: f[%d]", rho, i)
		}
	}
}

// TestGPLatentGradient checks the custom Cholesky node f = L(ρ, α) f̃ by
// finite differences with tight tolerances where the covariance is well
// conditioned (short length scales), for three particles at once.
func TestGPLatentGradient(t *testing.T) {
	m := gpSpec(t)
	n := len(m.x)
	rng := rand.New(rand.NewPCG(11, 12))
	for _, rho := range []float64{0.7, 1.2, 2} {
		const s = 3
		r := []float64{rho, rho * 1.1, rho * 0.9}
		a := []float64{2.9, 1.5, 0.7}
		ft := make([]float64, s*n)
		for i := range ft {
			ft[i] = rng.NormFloat64()
		}
		err := ad.CheckGrad(func(tape *ad.Tape, x []ad.Var) ad.Var {
			return m.latent(x[0], x[1], x[2])
		}, []ad.Matrix{{Rows: s, Cols: 1, Data: r}, {Rows: s, Cols: 1, Data: a}, {Rows: s, Cols: n, Data: ft}},
			&ad.CheckOptions{AbsTol: 1e-9, RelTol: 1e-7})
		assert.NoError(t, err, "rho %v", rho)
	}
}

// TestGPNotPositiveDefinite: a covariance whose Cholesky fails gives NaN,
// never a silently wrong f.
func TestGPNotPositiveDefinite(t *testing.T) {
	m := gpSpec(t)
	f := m.latent(ad.Col([]float64{5, 1e4}), ad.Col([]float64{3, 1e4}), ad.Const(2, len(m.x), make([]float64, 2*len(m.x))))
	for j := range len(m.x) {
		assert.False(t, math.IsNaN(f.At(0, j)), "particle 0 is well defined")
		assert.True(t, math.IsNaN(f.At(1, j)), "particle 1 (ρ = α = 1e4) has a numerically singular covariance")
	}
}
