package kernel

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// vecRange is one range of test inputs for an elementwise function.
type vecRange struct {
	name string
	gen  func(rng *rand.Rand) float64
}

func uniform(lo, hi float64) func(*rand.Rand) float64 {
	return func(rng *rand.Rand) float64 { return lo + (hi-lo)*rng.Float64() }
}

// bitsIn draws uniform bit patterns with |x| in [2^-1074, hi), random sign
// if signed: every binade equally often, subnormals included.
func bitsIn(hi float64, signed bool) func(*rand.Rand) float64 {
	top := math.Float64bits(hi)
	return func(rng *rand.Rand) float64 {
		v := math.Float64frombits(1 + rng.Uint64N(top-1))
		if signed && rng.IntN(2) == 0 {
			v = -v
		}
		return v
	}
}

// vecCase is an elementwise function under test with its reference, the
// stated ulp bound, ranges and special values.
type vecCase struct {
	name    string
	f       func(dst, x []float64) []float64
	ref     func(float64) float64
	ulp     float64
	ranges  []vecRange
	special []float64
}

var (
	expOverflow   = 709.782712893384   // largest x with finite exp
	expUnderflow  = -745.1332191019411 // exp rounds to 2^-1074 here
	expNormalMin  = -708.3964185322641 // exp(x) = 2^-1022 about here
	commonSpecial = []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0x1p-1022, -0x1p-1022, 0x1.8p-1070,
		math.MaxFloat64, -math.MaxFloat64, 1, -1, 0.5, -0.5, 0x1p-54, -0x1p-54, 0x1p-53, 0x1p-30,
		ln2Half, -ln2Half, math.Ln2, -math.Ln2}
)

const ln2Half = 0.34657359027997264

// refExpm1 is math.Expm1, except above 40 where expm1(x) rounds to
// exp(x): math.Expm1 overflows to +Inf too early (from about 709.59 on).
func refExpm1(x float64) float64 {
	if x > 40 {
		return refExp(x)
	}
	return math.Expm1(x)
}

// refExp is the pure-Go exp of Go's math package (math/exp.go, fdlibm's
// e_exp.c, BSD licence), copied because math.Exp on amd64 runs assembly
// that overflows to +Inf too early (math.Exp(709.7413196120001) = +Inf,
// the true value is 1.7248e308).
func refExp(x float64) float64 {
	const (
		ln2Hi     = 6.93147180369123816490e-01
		ln2Lo     = 1.90821492927058770002e-10
		log2e     = 1.44269504088896338700e+00
		overflow  = 7.09782712893383973096e+02
		underflow = -7.45133219101941108420e+02
		nearZero  = 1.0 / (1 << 28)
		p1        = 1.66666666666666657415e-01
		p2        = -2.77777777770155933842e-03
		p3        = 6.61375632143793436117e-05
		p4        = -1.65339022054652515390e-06
		p5        = 4.13813679705723846039e-08
	)
	switch {
	case math.IsNaN(x):
		return x
	case x > overflow:
		return math.Inf(1)
	case x < underflow:
		return 0
	case -nearZero < x && x < nearZero:
		return 1 + x
	}
	var k int
	switch {
	case x < 0:
		k = int(log2e*x - 0.5)
	case x > 0:
		k = int(log2e*x + 0.5)
	}
	hi := x - float64(k)*ln2Hi
	lo := float64(k) * ln2Lo
	r := hi - lo
	t := r * r
	c := r - t*(p1+t*(p2+t*(p3+t*(p4+t*p5))))
	y := 1 - ((lo - (r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}

func vecCases() []vecCase {
	return []vecCase{
		{name: "Exp", f: Exp, ref: refExp, ulp: 2,
			ranges: []vecRange{
				{"tiny", bitsIn(0x1p-20, true)},
				{"around0", uniform(-1, 1)},
				{"moderate", uniform(-50, 50)},
				{"nearOverflow", uniform(690, expOverflow)},
				{"subnormalResults", uniform(expUnderflow-0.5, expNormalMin+0.5)},
				{"whole", uniform(-760, 760)},
			},
			special: []float64{expOverflow, math.Nextafter(expOverflow, 800), expUnderflow,
				math.Nextafter(expUnderflow, -800), -745.2, -746, expNormalMin, 710, -1000, 1000}},
		{name: "Expm1", f: Expm1, ref: refExpm1, ulp: 2,
			ranges: []vecRange{
				{"tiny", bitsIn(0x1p-20, true)},
				{"around0", uniform(-1, 1)},
				{"moderate", uniform(-50, 50)},
				{"nearOverflow", uniform(690, expOverflow)},
				{"negative", uniform(-800, -30)},
			},
			special: []float64{expOverflow, math.Nextafter(expOverflow, 800), -40, -37, -38, 710, -1000, 1000}},
		{name: "Log1p", f: Log1p, ref: math.Log1p, ulp: 2,
			ranges: []vecRange{
				{"tiny", bitsIn(0x1p-20, true)},
				{"around0", uniform(-0.5, 1)},
				{"nearMinus1", func(rng *rand.Rand) float64 { return -1 + math.Ldexp(rng.Float64(), -rng.IntN(60)) }},
				{"moderate", uniform(1, 1e6)},
				{"whole", bitsIn(math.MaxFloat64, false)},
			},
			special: []float64{math.Nextafter(-1, 0), math.Nextafter(-1, -2), -2, 0x1p53, 0x1p-53 - 0x1p-106, math.E - 1}},
		{name: "Log", f: Log, ref: func(x float64) float64 { r, _ := refLog(x); return r }, ulp: 2,
			ranges: []vecRange{
				{"subnormal", bitsIn(0x1p-1022, false)},
				{"around1", uniform(0.5, 2)},
				{"near1", uniform(1-1e-6, 1+1e-6)},
				{"whole", bitsIn(math.Inf(1), false)},
			},
			special: []float64{math.Sqrt2, math.Nextafter(math.Sqrt2, 0), math.E, -2}},
	}
}

// TestVecMathAgainstMath checks Exp, Expm1, Log1p and Log on every path
// this CPU runs (pure Go, AVX2+FMA, AVX-512) against math's functions on
// 2^20 points per range (2^15 with -short) plus the special values: at
// most the ulp bound stated in each doc comment, NaN for NaN, the sign of
// zero results, and identical special-value results on every path.
func TestVecMathAgainstMath(t *testing.T) {
	n := 1 << 20
	if testing.Short() {
		n = 1 << 15
	}
	defer resetVec()
	paths := vecPaths()
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	for ci, c := range vecCases() {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(ci), 99))
			for _, r := range c.ranges {
				x := make([]float64, n+3) // a tail that is not a multiple of 8
				want := make([]float64, len(x))
				for i := range x {
					x[i] = r.gen(rng)
					want[i] = c.ref(x[i])
				}
				for _, p := range names {
					paths[p]()
					got := c.f(make([]float64, len(x)), x)
					worst, at := 0.0, 0
					for i := range x {
						if u := ulps(got[i], want[i]); u > worst {
							worst, at = u, i
						}
					}
					t.Logf("%s %-16s %-6s max %g ulp (x = %v)", c.name, r.name, p, worst, x[at])
					require.LessOrEqual(t, worst, c.ulp, "%s(%v) = %v on path %s, reference %v",
						c.name, x[at], got[at], p, want[at])
				}
			}
			special := append(append([]float64{}, commonSpecial...), c.special...)
			for _, p := range names {
				paths[p]()
				got := c.f(make([]float64, len(special)), special)
				for i, v := range special {
					want := c.ref(v)
					require.LessOrEqual(t, ulps(got[i], want), c.ulp, "%s(%v) = %v on path %s, want %v", c.name, v, got[i], p, want)
					if want == 0 {
						require.Equal(t, math.Signbit(want), math.Signbit(got[i]), "%s(%v) = %v on path %s: sign of zero", c.name, v, got[i], p)
					}
					// One at a time: the tail padding path.
					one := c.f(make([]float64, 1), special[i:i+1])[0]
					require.Equal(t, math.Float64bits(got[i]) == math.Float64bits(one) || (math.IsNaN(one) && math.IsNaN(got[i])), true,
						"%s(%v) on path %s: %v in a batch, %v alone", c.name, v, p, got[i], one)
				}
			}
		})
	}
}

func TestVecMathPanics(t *testing.T) {
	for _, c := range vecCases() {
		require.PanicsWithValue(t, "kernel: "+c.name+": dst shorter than x",
			func() { c.f(make([]float64, 1), make([]float64, 9)) }, c.name)
	}
}
