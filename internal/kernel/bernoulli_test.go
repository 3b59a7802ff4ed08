package kernel

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// bernoulliRef is the Bernoulli log-likelihood term y l - softplus(l) and
// its derivative y - σ(l) by math's functions.
func bernoulliRef(y, l float64) (float64, float64) {
	sp := max(l, 0) + math.Log1p(math.Exp(-math.Abs(l)))
	sig := 1 / (1 + math.Exp(-l))
	if l < 0 {
		sig = math.Exp(l) / (1 + math.Exp(l))
	}
	return y*l - sp, y - sig
}

// TestBernoulliLogits checks BernoulliLogits on every path against the
// formula in math's functions (each gradient y - σ within 3 ulp of σ and the subtraction's rounding; the sum within
// 4 ulp of Σ|term| per term, for the reordered sum and the terms' own
// error), that the AVX-512 and pure-Go paths agree to 4 ulp of the same
// bound (their Exp and Log1p differ by ulps), that leaving out the
// gradient does not change the sum, and that invalid labels and
// non-finite logits report !ok, for lengths with and without a tail.
func TestBernoulliLogits(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	x := fusedInputs(1 << 13)
	defer resetVec()
	for _, n := range []int{1, 7, 8, 13, 512, 1000, 1 << 13} {
		y, l := make([]float64, n), make([]float64, n)
		for i := range l {
			y[i] = float64(rng.IntN(2))
			l[i] = x[rng.IntN(len(x))]
			if math.IsInf(l[i], 0) || math.IsNaN(l[i]) {
				l[i] = rng.NormFloat64() * 30
			}
		}
		var want, abs float64
		wg := make([]float64, n)
		for i := range l {
			v, d := bernoulliRef(y[i], l[i])
			want += v
			abs += math.Abs(v)
			wg[i] = d
		}
		sums := map[string]float64{}
		for p, sel := range vecPaths() {
			sel()
			g := make([]float64, n)
			s, ok := BernoulliLogits(g, y, l)
			require.True(t, ok, "%s n=%d", p, n)
			require.InDelta(t, want, s, 4*float64(n)*0x1p-52*abs+1e-300, "%s n=%d: sum", p, n)
			for i := range g {
				// y - σ: 3 ulp of σ, then the subtraction's rounding.
				sig := y[i] - wg[i]
				tol := 3*0x1p-52*math.Abs(sig) + 0x1p-53*math.Abs(wg[i]) + 1e-320
				require.InDelta(t, wg[i], g[i], tol, "%s n=%d: gradient %d at l=%v", p, n, i, l[i])
			}
			s2, ok := BernoulliLogits(nil, y, l)
			require.True(t, ok)
			require.Equal(t, math.Float64bits(s), math.Float64bits(s2), "%s: without the gradient", p)
			sums[p] = s
			// Invalid labels and non-finite logits.
			for _, bad := range []struct{ y, l float64 }{{0.5, 1}, {2, 1}, {math.NaN(), 1}, {1, math.Inf(1)}, {0, math.Inf(-1)}, {1, math.NaN()}} {
				j := rng.IntN(n)
				yj, lj := y[j], l[j]
				y[j], l[j] = bad.y, bad.l
				_, ok := BernoulliLogits(g, y, l)
				require.False(t, ok, "%s n=%d: y=%v l=%v at %d", p, n, bad.y, bad.l, j)
				y[j], l[j] = yj, lj
			}
		}
		for p, s := range sums {
			require.InDelta(t, sums["go"], s, 4*float64(n)*0x1p-52*abs+1e-300, "%s vs go, n=%d", p, n)
		}
	}
}

// TestBernoulliLogitsKernelBits: the AVX-512 loop and bernoulliLogitsGo
// give the same bits (the same operations in the same order), partial
// sums and gradients.
func TestBernoulliLogitsKernelBits(t *testing.T) {
	if _, ok := vecPaths()["avx512"]; !ok {
		t.Skip("no AVX-512")
	}
	defer resetVec()
	vecPaths()["avx512"]()
	rng := rand.New(rand.NewPCG(23, 24))
	x := fusedInputs(1 << 10)
	const n = 4096
	y, l := make([]float64, n), make([]float64, n)
	for i := range l {
		y[i] = float64(rng.IntN(2))
		l[i] = x[rng.IntN(len(x))]
	}
	var a1, a2 [24]float64
	g1, g2 := make([]float64, n), make([]float64, n)
	e, sp := make([]float64, n), make([]float64, n)
	for i, v := range l {
		e[i] = -math.Abs(v)
	}
	Exp(e, e)
	Log1p(sp, e)
	bernoulliLogitsVec(&g1[0], &y[0], &l[0], &e[0], &sp[0], n, &a1)
	bernoulliLogitsGo(g2, y, l, e, sp, &a2, 0)
	for i := range a1 {
		require.Equal(t, math.Float64bits(a2[i]), math.Float64bits(a1[i]), "partial %d: %v vs %v", i, a1[i], a2[i])
	}
	for i := range g1 {
		require.Equal(t, math.Float64bits(g2[i]), math.Float64bits(g1[i]), "gradient %d at l=%v: %v vs %v", i, l[i], g1[i], g2[i])
	}
}

// BenchmarkBernoulliLogits: W3's 8 x 10,000 logits with the gradient, and
// for comparison Exp and Log1p over as many values.
func BenchmarkBernoulliLogits(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 80000
	y, l, g := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range l {
		y[i] = float64(rng.IntN(2))
		l[i] = 3 * rng.NormFloat64()
	}
	b.Run("BernoulliLogits", func(b *testing.B) {
		for b.Loop() {
			BernoulliLogits(g, y, l)
		}
	})
	b.Run("Exp", func(b *testing.B) {
		for b.Loop() {
			Exp(g, l)
		}
	})
	b.Run("Log1p", func(b *testing.B) {
		for b.Loop() {
			Log1p(g, y)
		}
	})
}

// TestExpNegAbs: expNegAbs gives the bits of Exp of -|x| on every path,
// special values included; BernoulliLogitsWork those of BernoulliLogits.
func TestExpNegAbs(t *testing.T) {
	x := fusedInputs(1 << 12)
	defer resetVec()
	for p, sel := range vecPaths() {
		sel()
		neg := make([]float64, len(x))
		for i, v := range x {
			neg[i] = -math.Abs(v)
		}
		want := Exp(make([]float64, len(x)), neg)
		got := expNegAbs(make([]float64, len(x)), x)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
				t.Fatalf("%s: expNegAbs(%v) = %v, Exp(-|x|) = %v", p, x[i], got[i], want[i])
			}
		}
		rng := rand.New(rand.NewPCG(1, 2))
		y, l := make([]float64, 1000), make([]float64, 1000)
		for i := range l {
			y[i], l[i] = float64(rng.IntN(2)), 4*rng.NormFloat64()
		}
		g1, g2 := make([]float64, 1000), make([]float64, 1000)
		s1, ok1 := BernoulliLogits(g1, y, l)
		s2, ok2 := BernoulliLogitsWork(g2, y, l, make([]float64, 1024))
		require.True(t, ok1 && ok2)
		require.Equal(t, math.Float64bits(s1), math.Float64bits(s2), "%s: BernoulliLogitsWork", p)
		require.Equal(t, g1, g2, "%s: BernoulliLogitsWork gradient", p)
	}
}
