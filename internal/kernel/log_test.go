package kernel

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// ulps returns the distance in units in the last place between a and b
// (0 when both are the same NaN class or equal infinities).
func ulps(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		if math.IsNaN(a) && math.IsNaN(b) {
			return 0
		}
		return math.Inf(1)
	}
	if a == b {
		return 0
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) || math.Signbit(a) != math.Signbit(b) {
		return math.Inf(1)
	}
	ia, ib := int64(math.Float64bits(math.Abs(a))), int64(math.Float64bits(math.Abs(b)))
	d := ia - ib
	if d < 0 {
		d = -d
	}
	return float64(d)
}

// refLog is math.Log, except for positive subnormals, which Go's amd64
// math.Log gets wrong (it returns about log(2^-1022) for them): there the
// input is scaled into the normal range first. The scaling adds at most
// about 1 ulp of rounding to the reference.
func refLog(x float64) (float64, float64) {
	if x > 0 && x < 0x1p-1022 {
		return math.Log(x*0x1p54) - 54*math.Ln2, 2
	}
	return math.Log(x), 1
}

func TestLogAgainstMath(t *testing.T) {
	n := 1 << 22
	if testing.Short() {
		n = 1 << 19
	}
	rng := rand.New(rand.NewPCG(11, 12))
	x := make([]float64, n+5) // a tail that is not a multiple of 8
	for i := range x {
		switch i % 3 {
		case 0: // every binade, subnormals included: uniform bit patterns
			x[i] = math.Float64frombits(rng.Uint64N(0x7FF0000000000000))
		case 1: // dense near 1, where log is small and cancellation bites
			x[i] = 0.5 + 1.5*rng.Float64()
		default:
			x[i] = 1 + (rng.Float64()-0.5)*1e-6
		}
	}
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -1, -math.SmallestNonzeroFloat64,
		math.SmallestNonzeroFloat64, 0x1p-1022, 0x1p-1023, 0x1.8p-1070, math.MaxFloat64, 1, 2, math.Sqrt2, math.Nextafter(math.Sqrt2, 0), math.E}
	x = append(x, special...)
	dst := Log(make([]float64, len(x)), x)
	var worst float64
	for i, v := range x {
		want, tol := refLog(v)
		u := ulps(dst[i], want)
		worst = max(worst, u)
		if u > tol {
			require.LessOrEqual(t, u, tol, "Log(%v) = %v, reference %v", v, dst[i], want)
		}
	}
	t.Logf("max ulp vs math.Log over %d points (lanes %d): %v", len(x), vecLanes, worst)
	for _, v := range special {
		got := Log(make([]float64, 1), []float64{v})[0]
		want, tol := refLog(v)
		require.LessOrEqual(t, ulps(got, want), tol, "Log(%v) = %v, want %v", v, got, want)
	}
}

func TestLogPanics(t *testing.T) {
	require.PanicsWithValue(t, "kernel: Log: dst shorter than x", func() { Log(make([]float64, 1), make([]float64, 2)) })
}

func BenchmarkLog(b *testing.B) {
	x := make([]float64, 1<<16)
	for i := range x {
		x[i] = 0.1 + float64(i)
	}
	dst := make([]float64, len(x))
	b.Run("kernel", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Log(dst, x)
		}
	})
	b.Run("math", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				dst[i] = math.Log(v)
			}
		}
	})
}
