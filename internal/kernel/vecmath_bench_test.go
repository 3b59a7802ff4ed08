package kernel

import (
	"math"
	"testing"
)

// The vector math benchmarks: each kernel on 65,536 values ("kernel")
// against the scalar Go loop it replaces ("scalar"), run back to back.

const benchN = 1 << 16

func benchInput(lo, hi float64) []float64 {
	x := make([]float64, benchN)
	for i := range x {
		x[i] = lo + (hi-lo)*math.Mod(float64(i)*0.6180339887498949, 1)
	}
	return x
}

func benchPair(b *testing.B, kernel func(), scalar func()) {
	b.Run("kernel", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			kernel()
		}
	})
	b.Run("scalar", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			scalar()
		}
	})
}

func benchUnary(b *testing.B, f func(dst, x []float64), ref func(float64) float64, lo, hi float64) {
	x, dst := benchInput(lo, hi), make([]float64, benchN)
	benchPair(b, func() { f(dst, x) }, func() {
		for i, v := range x {
			dst[i] = ref(v)
		}
	})
}

func BenchmarkExp(b *testing.B) {
	benchUnary(b, func(d, x []float64) { Exp(d, x) }, math.Exp, -20, 20)
}

func BenchmarkExpm1(b *testing.B) {
	benchUnary(b, func(d, x []float64) { Expm1(d, x) }, math.Expm1, -2, 2)
}

func BenchmarkLog1p(b *testing.B) {
	benchUnary(b, func(d, x []float64) { Log1p(d, x) }, math.Log1p, -0.5, 10)
}

func BenchmarkLogVec(b *testing.B) {
	benchUnary(b, func(d, x []float64) { Log(d, x) }, math.Log, 1e-3, 1e3)
}

func BenchmarkSoftplus(b *testing.B) {
	benchUnary(b, Softplus, func(v float64) float64 { return max(v, 0) + math.Log1p(math.Exp(-math.Abs(v))) }, -10, 10)
}

func BenchmarkSigmoid(b *testing.B) {
	benchUnary(b, Sigmoid, func(v float64) float64 {
		e := math.Exp(-math.Abs(v))
		if v >= 0 {
			return 1 / (1 + e)
		}
		return e / (1 + e)
	}, -10, 10)
}

func BenchmarkLogSigmoid(b *testing.B) {
	benchUnary(b, LogSigmoid, func(v float64) float64 { return min(v, 0) - math.Log1p(math.Exp(-math.Abs(v))) }, -10, 10)
}

func BenchmarkNormalLogProb(b *testing.B) {
	x, loc, scale, dst := benchInput(-3, 3), benchInput(-1, 1), benchInput(0.1, 3), make([]float64, benchN)
	benchPair(b, func() { NormalLogProb(dst, x, loc, scale) }, func() {
		for i, v := range x {
			z := (v - loc[i]) / scale[i]
			dst[i] = -0.5*z*z - math.Log(scale[i]) - logSqrt2Pi
		}
	})
}

// BenchmarkNormalKL: the scalar loop is dist's former per-cell formula
// (log1p branch within 25% of s1 = s2, one log elsewhere).
func BenchmarkNormalKL(b *testing.B) {
	m1, s1, m2, s2 := benchInput(-3, 3), benchInput(0.1, 3), benchInput(-3, 3), make([]float64, benchN)
	for i := range s2 {
		s2[i] = 0.1 + 2.9*math.Mod(float64(i)*0.7548776662466927, 1)
	}
	dst := make([]float64, benchN)
	benchPair(b, func() { NormalKL(dst, nil, m1, s1, m2, s2) }, func() {
		for i := range dst {
			sa, sb := s1[i], s2[i]
			var lr float64
			if diff := sa - sb; math.Abs(diff) < 0.25*sb {
				d := 2 * math.Log1p(diff/sb)
				lr = math.Expm1(d) - d
			} else {
				r := sa / sb
				lr = r*r - 1 - 2*math.Log(r)
			}
			delta := (m1[i] - m2[i]) / sb
			dst[i] = 0.5 * (lr + delta*delta)
		}
	})
}

func BenchmarkAdam(b *testing.B) {
	p, m, v, g := benchInput(-1, 1), make([]float64, benchN), make([]float64, benchN), benchInput(-1, 1)
	b1, b2, c1, c2, lr, eps := 0.9, 0.999, 0.5, 0.5, 1e-3, 1e-8
	benchPair(b, func() { Adam(p, m, v, g, 1, b1, b2, c1, c2, lr, eps) }, func() {
		for i, gi := range g {
			m[i] = b1*m[i] + (1-b1)*gi
			v[i] = b2*v[i] + (1-b2)*gi*gi
			p[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
		}
	})
}
