package dist

import (
	"math"
	"runtime"
	"testing"

	"github.com/kldiv/kldiv/ad"
	"github.com/stretchr/testify/require"
)

// TestNormalKLKernelPath checks the batched path of KL(Normal || Normal)
// (kernel.NormalKL through klNormalRows, every parameter a full grid)
// against the scalar cell formula klNormalCell, values and gradients,
// and that values and gradients are the same bits for GOMAXPROCS 1, 2
// and 8. 20,000 x 3 cells: several goroutine chunks and vector tails.
func TestNormalKLKernelPath(t *testing.T) {
	const b, c = 20_000, 3
	rng := newRNG(41)
	n := b * c
	m1, s1, m2, s2 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for k := range m1 {
		m1[k], m2[k] = rng.NormFloat64(), rng.NormFloat64()
		s2[k] = math.Exp(rng.NormFloat64())
		s1[k] = s2[k] * math.Exp(0.8*rng.NormFloat64()) // near and far from s1 = s2
		if k%7 == 0 {
			s1[k] = s2[k] * (1 + 1e-6*rng.NormFloat64()) // deep in the cancelling range
		}
	}
	run := func() [][]float64 {
		tp := ad.NewTape()
		vs := []ad.Var{tp.Input(b, c, m1), tp.Input(b, c, s1), tp.Input(b, c, m2), tp.Input(b, c, s2)}
		kl, err := KL(Must(NormalOf(vs[0], vs[1])), Must(NormalOf(vs[2], vs[3])))
		require.NoError(t, err)
		tp.Backward(ad.Sum(kl))
		out := [][]float64{append([]float64(nil), kl.Value()...)}
		for _, v := range vs {
			out = append(out, append([]float64(nil), v.Grad()...))
		}
		return out
	}
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	one := run()
	runtime.GOMAXPROCS(2)
	two := run()
	runtime.GOMAXPROCS(8)
	eight := run()
	require.Equal(t, one, two, "GOMAXPROCS 1 vs 2")
	require.Equal(t, one, eight, "GOMAXPROCS 1 vs 8")

	g := make([][]float64, 4)
	for k := range g {
		g[k] = make([]float64, n)
	}
	for i := range b {
		var want float64
		for j := range c {
			k := i*c + j
			want += klNormalCell(m1[k], s1[k], m2[k], s2[k], k, g[0], g[1], g[2], g[3])
		}
		// The scalar formula loses up to ~100 ulp to cancellation near
		// s1 = s2 (expm1(d) - d for |d| >= 0.01); the kernel does not.
		if math.Abs(one[0][i]-want) > 1e-13*math.Abs(want) {
			require.InEpsilon(t, want, one[0][i], 1e-13, "row %d", i)
		}
	}
	for p := range 4 {
		for k := range n {
			if math.Abs(one[p+1][k]-g[p][k]) > 1e-12*math.Abs(g[p][k])+1e-300 {
				require.InEpsilon(t, g[p][k], one[p+1][k], 1e-12, "partial %d at %d", p, k)
			}
		}
	}
}
