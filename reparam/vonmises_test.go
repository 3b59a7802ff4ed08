package reparam

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func newRNGMisc(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x5deece66d)) }

// ksMisc returns the Kolmogorov-Smirnov statistic of xs against cdf.
func ksMisc(xs []float64, cdf func(float64) float64) float64 {
	xs = append([]float64(nil), xs...)
	sort.Float64s(xs)
	n := float64(len(xs))
	var d float64
	for i, x := range xs {
		f := cdf(x)
		d = math.Max(d, math.Max(math.Abs(f-float64(i)/n), math.Abs(f-float64(i+1)/n)))
	}
	return d
}

// bisectMisc returns x in [lo, hi] with g(x) = 0 for increasing g.
func bisectMisc(g func(float64) float64, lo, hi float64) float64 {
	for range 200 {
		mid := (lo + hi) / 2
		if mid == lo || mid == hi {
			break
		}
		if g(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func TestVonMisesSamplerDistribution(t *testing.T) {
	// Best & Fisher's sampler against the distribution function (itself
	// checked against mpmath in internal/special), from nearly uniform to
	// concentrations where the textbook constants lose all accuracy.
	rng := newRNGMisc(1)
	for _, k := range []float64{1e-300, 1e-9, 1e-5, 2e-5, 0.3, 0.99, 1.01, 6, 31, 800, 1e8, 1e14} {
		s := newVonMisesSampler(k)
		cdf := special.NewVonMisesCDF(k)
		const n = 20000
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = s.draw(rng)
			require.True(t, xs[i] >= -math.Pi && xs[i] <= math.Pi)
		}
		d := ksMisc(xs, func(x float64) float64 { g, _, _ := cdf.Eval(x); return g })
		assert.Less(t, d, 1.95/math.Sqrt(n), "KS statistic at k = %v", k)
	}
	// Far out, draws scale as 1/√k and are not quantized: k = 1e14 gives
	// draws near 1e-7 with distinct values.
	s := newVonMisesSampler(1e14)
	seen := map[float64]bool{}
	for range 1000 {
		seen[s.draw(rng)] = true
	}
	assert.Greater(t, len(seen), 990)
}

func TestVonMisesImplicitGradient(t *testing.T) {
	// ∂z/∂k against a finite difference of the quantile at fixed u =
	// G(w; k): w(k ± h) solves G(w; k ± h) = u by bisection.
	rng := newRNGMisc(2)
	for _, k := range []float64{0.05, 2, 29.5, 30.5, 400, 1e5} {
		tp := ad.NewTape()
		kp := ad.NewParam("k", 1, 1, []float64{k})
		kv := tp.Param(kp)
		z := VonMises(rng, tp.Scalar(0), kv, 8)
		for i := 0; i < 8; i++ {
			w := z.At(i, 0)
			cdf := special.NewVonMisesCDF(k)
			u, _, _ := cdf.Eval(w)
			quantile := func(k float64) float64 {
				c := special.NewVonMisesCDF(k)
				return bisectMisc(func(x float64) float64 { g, _, _ := c.Eval(x); return g - u }, -math.Pi, math.Pi)
			}
			h := 1e-5 * k
			num := (quantile(k+h) - quantile(k-h)) / (2 * h)
			kp.ZeroGrad()
			got := tp.Gradient(ad.SliceRows(z, i, i+1), kv)[0][0]
			assert.InDelta(t, num, got, 1e-6*math.Max(math.Abs(num), 1/math.Sqrt(k)), "∂w/∂k at k = %v, w = %v", k, w)
		}
	}
}

func TestVonMisesLayoutAndPartials(t *testing.T) {
	rng := newRNGMisc(3)
	tp := ad.NewTape()
	loc := ad.NewParam("loc", 2, 1, []float64{-3, 3})
	k := ad.NewParam("k", 1, 3, []float64{0.5, 40, 1e4})
	z := VonMises(rng, tp.Param(loc), tp.Param(k), 5)
	r, c := z.Shape()
	require.Equal(t, [2]int{10, 3}, [2]int{r, c})
	for i := 0; i < 10; i++ {
		for j := 0; j < 3; j++ {
			v := z.At(i, j)
			assert.True(t, v >= -math.Pi && v < math.Pi)
		}
		// The most concentrated column stays within a few 1/√k of loc.
		assert.InDelta(t, 0, math.Remainder(z.At(i, 2)-[]float64{-3, 3}[i%2], 2*math.Pi), 0.1)
	}
	tp.Backward(ad.Sum(z))
	// ∂Σz/∂loc_b = number of draws from row b times C (wrapping aside).
	assert.Equal(t, []float64{15, 15}, loc.Grad)
	// Free constants give a free constant.
	zc := VonMises(rng, ad.Scalar(0), ad.Scalar(2), 4)
	assert.True(t, zc.IsConst())
	assert.Equal(t, 4, zc.Rows())
	assert.Equal(t, -math.Pi, vonMisesWrap(math.Pi))
	assert.InDelta(t, 0.5, vonMisesWrap(0.5+6*math.Pi), 1e-14)
	assert.InDelta(t, -0.5, vonMisesWrap(-0.5-4*math.Pi), 1e-14)
}
