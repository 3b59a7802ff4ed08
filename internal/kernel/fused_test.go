package kernel

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// fusedInputs returns n values per range for the activations: around 0,
// moderate, both tails past exp's range, tiny (subnormals included), and
// the special values.
func fusedInputs(n int) []float64 {
	rng := rand.New(rand.NewPCG(5, 6))
	gens := []func(*rand.Rand) float64{uniform(-2, 2), uniform(-50, 50), uniform(-800, 800), bitsIn(0x1p-20, true)}
	var x []float64
	for _, g := range gens {
		for range n {
			x = append(x, g(rng))
		}
	}
	return append(x, 0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64,
		-math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64, 36.7, -36.7, 745.2, -745.2, 709.8, -709.8, 1, -1)
}

// TestFusedAgainstScalar checks Softplus, LogSigmoid and Sigmoid on every
// path against their formulas evaluated with math's functions, within 3
// ulp, special values included.
func TestFusedAgainstScalar(t *testing.T) {
	n := 1 << 18
	if testing.Short() {
		n = 1 << 13
	}
	x := fusedInputs(n)
	cases := []struct {
		name string
		f    func(dst, x []float64)
		ref  func(float64) float64
	}{
		{"Softplus", Softplus, func(v float64) float64 { return max(v, 0) + math.Log1p(math.Exp(-math.Abs(v))) }},
		{"LogSigmoid", LogSigmoid, func(v float64) float64 { return min(v, 0) - math.Log1p(math.Exp(-math.Abs(v))) }},
		{"Sigmoid", Sigmoid, func(v float64) float64 {
			if v >= 0 {
				return 1 / (1 + math.Exp(-v))
			}
			return math.Exp(v) / (1 + math.Exp(v))
		}},
	}
	defer resetVec()
	for p, sel := range vecPaths() {
		sel()
		for _, c := range cases {
			got := make([]float64, len(x))
			c.f(got, x)
			inPlace := append([]float64(nil), x...)
			c.f(inPlace, inPlace)
			worst := 0.0
			for i, v := range x {
				want := c.ref(v)
				u := ulps(got[i], want)
				worst = max(worst, u)
				if u > 3 || math.Float64bits(got[i]) != math.Float64bits(inPlace[i]) {
					require.LessOrEqual(t, u, 3.0, "%s(%v) = %v on path %s, want %v", c.name, v, got[i], p, want)
					require.Equal(t, math.Float64bits(got[i]), math.Float64bits(inPlace[i]), "%s(%v) in place on path %s", c.name, v, p)
				}
			}
			t.Logf("%-10s %-6s max %g ulp over %d points", c.name, p, worst, len(x))
		}
	}
}

// TestNormalLogProbAgainstScalar checks NormalLogProb on every path
// against the formula with math.Log: at most 2 ulp of the largest term.
func TestNormalLogProbAgainstScalar(t *testing.T) {
	n := 1 << 18
	if testing.Short() {
		n = 1 << 13
	}
	rng := rand.New(rand.NewPCG(7, 8))
	x, loc, scale := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], loc[i] = 10*rng.NormFloat64(), 5*rng.NormFloat64()
		scale[i] = math.Exp(10 * (rng.Float64() - 0.5))
	}
	x = append(x, 1, math.NaN(), 0, 1, math.Inf(1))
	loc = append(loc, 1, 0, math.NaN(), 0, 0)
	scale = append(scale, 1, 1, 1, math.NaN(), 1)
	defer resetVec()
	for p, sel := range vecPaths() {
		sel()
		got := make([]float64, len(x))
		NormalLogProb(got, x, loc, scale)
		worst := 0.0
		for i := range x {
			z := (x[i] - loc[i]) / scale[i]
			ls, _ := refLog(scale[i])
			want := -0.5*z*z - ls - logSqrt2Pi
			if math.IsNaN(want) || math.IsInf(want, 0) {
				require.Equal(t, math.IsNaN(want), math.IsNaN(got[i]), "NormalLogProb(%v, %v, %v) = %v, want %v", x[i], loc[i], scale[i], got[i], want)
				continue
			}
			big := max(0.5*z*z, math.Abs(ls), logSqrt2Pi)
			e := math.Abs(got[i]-want) / (big * 0x1p-52)
			worst = max(worst, e)
			if e > 2 {
				require.LessOrEqual(t, e, 2.0, "NormalLogProb(%v, %v, %v) = %v on path %s, want %v", x[i], loc[i], scale[i], got[i], p, want)
			}
		}
		t.Logf("%-6s max %.3g ulp of the largest term", p, worst)
	}
}

// bigNormalKL returns KL(N(m1, s1) || N(m2, s2)) at 200 bits for |s1 -
// s2| < s2/2 by the series r² - 1 - log r² = y² + 2 Σ_{n>=2} (-y)ⁿ/n,
// y = (s1 - s2)/s2 (r = 1 + y), which needs no logarithm.
func bigNormalKL(m1, s1, m2, s2 float64) float64 {
	const prec = 200
	f := func(v float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(v) }
	y := new(big.Float).SetPrec(prec).Quo(new(big.Float).SetPrec(prec).Sub(f(s1), f(s2)), f(s2))
	my := new(big.Float).SetPrec(prec).Neg(y)
	pw := new(big.Float).SetPrec(prec).Mul(my, my)
	sum := new(big.Float).SetPrec(prec)
	for n := 2; n < 400; n++ {
		term := new(big.Float).SetPrec(prec).Quo(pw, f(float64(n)))
		sum.Add(sum, term)
		pw.Mul(pw, my)
		if pw.Sign() == 0 || pw.MantExp(nil) < sum.MantExp(nil)-prec {
			break
		}
	}
	sum.Mul(sum, f(2))
	sum.Add(sum, new(big.Float).SetPrec(prec).Mul(y, y))
	delta := new(big.Float).SetPrec(prec).Quo(new(big.Float).SetPrec(prec).Sub(f(m1), f(m2)), f(s2))
	sum.Add(sum, delta.Mul(delta, delta))
	sum.Mul(sum, f(0.5))
	v, _ := sum.Float64()
	return v
}

// TestNormalKLAgainstBig checks NormalKL on every path: against math/big
// (bigNormalKL) where |s1 - s2| < s2/2 (the series branch) within 8 ulp
// relative, with locations equal (the hard case: the
// KL is the cancelling scale term alone) and different; elsewhere against
// the float64 formula; and the partial term e = r² - 1.
func TestNormalKLAgainstBig(t *testing.T) {
	n := 1 << 14
	if testing.Short() {
		n = 1 << 10
	}
	rng := rand.New(rand.NewPCG(9, 10))
	var m1, s1, m2, s2 []float64
	for i := range n {
		sb := math.Exp(4 * (rng.Float64() - 0.5))
		y := (rng.Float64() - 0.5) * math.Pow(10, -8*rng.Float64()) // |y| < 1/2, down to 1e-8
		a, b := rng.NormFloat64(), rng.NormFloat64()
		if i%2 == 0 {
			b = a
		}
		m1, s1, m2, s2 = append(m1, a), append(s1, sb*(1+y)), append(m2, b), append(s2, sb)
	}
	defer resetVec()
	for p, sel := range vecPaths() {
		sel()
		got, e := make([]float64, len(m1)), make([]float64, len(m1))
		NormalKL(got, e, m1, s1, m2, s2)
		worst := 0.0
		for i := range got {
			want := bigNormalKL(m1[i], s1[i], m2[i], s2[i])
			u := math.Abs(got[i]-want) / math.Abs(want) / 0x1p-53
			if want == 0 {
				u = math.Abs(got[i]) / 0x1p-1074
			}
			worst = max(worst, u)
			y := (s1[i] - s2[i]) / s2[i]
			we := y * (2 + y) // r² - 1 without cancellation
			if u > 8 || math.Abs(e[i]-we) > 1e-14*math.Abs(we) {
				require.LessOrEqual(t, u, 8.0, "NormalKL(%v, %v, %v, %v) = %v on path %s, want %v", m1[i], s1[i], m2[i], s2[i], got[i], p, want)
				require.InEpsilon(t, we, e[i], 1e-14, "e at %d", i)
			}
		}
		t.Logf("%-6s near s1 = s2: max %.1f ulp (relative, %d points)", p, worst, len(got))
	}
	// Far from s1 = s2 (|s1 - s2| >= s2/2): the float64 formula, within
	// 4e-15 relative.
	var fm1, fs1, fm2, fs2 []float64
	for range n {
		fm1, fs1 = append(fm1, 3*rng.NormFloat64()), append(fs1, 0.1+2.9*rng.Float64())
		fm2, fs2 = append(fm2, 3*rng.NormFloat64()), append(fs2, 0.1+2.9*rng.Float64())
	}
	fm1, fs1, fm2, fs2 = append(fm1, math.NaN(), 0), append(fs1, 1, 1), append(fm2, 0, 0), append(fs2, 1, 1)
	for p, sel := range vecPaths() {
		sel()
		got := make([]float64, len(fm1))
		NormalKL(got, nil, fm1, fs1, fm2, fs2)
		for i := range got {
			r, dl := fs1[i]/fs2[i], (fm1[i]-fm2[i])/fs2[i]
			want := 0.5 * (r*r - 1 - 2*math.Log(r) + dl*dl)
			if math.IsNaN(want) {
				require.True(t, math.IsNaN(got[i]), "NaN location gives %v", got[i])
				continue
			}
			if math.Abs(fs1[i]-fs2[i]) < 0.5*fs2[i] {
				continue // the float64 formula cancels there; checked against math/big above
			}
			if math.Abs(got[i]-want) > 4e-15*math.Abs(want) {
				require.InEpsilon(t, want, got[i], 4e-15, "NormalKL(%v, %v, %v, %v) on path %s", fm1[i], fs1[i], fm2[i], fs2[i], p)
			}
		}
		require.Equal(t, 0.0, got[len(got)-1], "identical normals")
	}
}

// TestAdamPathsIdentical checks that every path of Adam gives the bits
// of the scalar formula, on a length that leaves a tail.
func TestAdamPathsIdentical(t *testing.T) {
	const n = 1003
	rng := rand.New(rand.NewPCG(3, 4))
	p0, m0, v0, g := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range p0 {
		p0[i], m0[i], v0[i], g[i] = rng.NormFloat64(), 0.1*rng.NormFloat64(), 0.01*rng.Float64(), rng.NormFloat64()
	}
	g[7], g[8] = math.NaN(), math.Inf(1)
	wp, wm, wv := append([]float64(nil), p0...), append([]float64(nil), m0...), append([]float64(nil), v0...)
	b1, b2, c1, c2 := 0.9, 0.999, 1-math.Pow(0.9, 3), 1-math.Pow(0.999, 3)
	for i := range wp { // the formula, written out
		gi := 0.5 * g[i]
		wm[i] = b1*wm[i] + (1-b1)*gi
		wv[i] = b2*wv[i] + (1-b2)*gi*gi
		wp[i] -= 1e-3 * (wm[i] / c1) / (math.Sqrt(wv[i]/c2) + 1e-8)
	}
	defer resetVec()
	for name, sel := range vecPaths() {
		sel()
		p, m, v := append([]float64(nil), p0...), append([]float64(nil), m0...), append([]float64(nil), v0...)
		Adam(p, m, v, g, 0.5, b1, b2, c1, c2, 1e-3, 1e-8)
		bits := func(s []float64) []uint64 {
			b := make([]uint64, len(s))
			for i, x := range s {
				b[i] = math.Float64bits(x)
			}
			return b
		}
		require.Equal(t, bits(wp), bits(p), "p on path %s", name)
		require.Equal(t, bits(wm), bits(m), "m on path %s", name)
		require.Equal(t, bits(wv), bits(v), "v on path %s", name)
	}
}

func TestFusedPanics(t *testing.T) {
	require.Panics(t, func() { Softplus(make([]float64, 1), make([]float64, 2)) })
	require.Panics(t, func() {
		NormalKL(make([]float64, 2), nil, make([]float64, 2), make([]float64, 1), make([]float64, 2), make([]float64, 2))
	})
	require.Panics(t, func() {
		Adam(make([]float64, 2), make([]float64, 2), make([]float64, 1), make([]float64, 2), 1, 0.9, 0.9, 1, 1, 1, 1)
	})
}

// TestNormalKLChecked checks NormalKLChecked on every path: the values are
// NormalKL's bit for bit, and it reports false exactly when some location
// is not finite or some scale is not finite and > 0, for one bad value put
// at each position of vectors whose lengths cover the block and lane
// tails.
func TestNormalKLChecked(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	bad := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), -1, -1e-300}
	defer resetVec()
	for p, sel := range vecPaths() {
		sel()
		for _, n := range []int{1, 7, 8, 9, 31, fusedBlock - 1, fusedBlock, fusedBlock + 13} {
			m1, s1, m2, s2 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
			for i := range n {
				m1[i], m2[i] = 3*rng.NormFloat64(), 3*rng.NormFloat64()
				s1[i], s2[i] = 0.1+2.9*rng.Float64(), 0.1+2.9*rng.Float64()
			}
			got, want := make([]float64, n), make([]float64, n)
			ge, we := make([]float64, n), make([]float64, n)
			require.True(t, NormalKLChecked(got, ge, m1, s1, m2, s2), "valid parameters, n = %d, path %s", n, p)
			NormalKL(want, we, m1, s1, m2, s2)
			for i := range got {
				require.Equal(t, math.Float64bits(want[i]), math.Float64bits(got[i]), "value %d, n = %d, path %s", i, n, p)
				require.Equal(t, math.Float64bits(we[i]), math.Float64bits(ge[i]), "e %d, n = %d, path %s", i, n, p)
			}
			for k, arr := range [][]float64{m1, s1, m2, s2} {
				for _, at := range []int{0, n / 2, n - 1} {
					for _, v := range bad {
						if k%2 == 0 && !math.IsNaN(v) && !math.IsInf(v, 0) {
							continue // any finite location is valid
						}
						old := arr[at]
						arr[at] = v
						ok := NormalKLChecked(got, nil, m1, s1, m2, s2)
						arr[at] = old
						require.False(t, ok, "param %d = %v at %d of %d, path %s", k, v, at, n, p)
					}
				}
			}
			// Both scales negative: finite values, but invalid.
			s1[n-1], s2[n-1] = -1, -2
			require.False(t, NormalKLChecked(got, nil, m1, s1, m2, s2), "negative scales, n = %d, path %s", n, p)
		}
	}
}
