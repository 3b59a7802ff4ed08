package kernel

import "math"

// vecOp names an elementwise kernel; callVec runs the active one
// (a direct call, so that stack buffers passed to it do not escape).
type vecOp int

const (
	opLog vecOp = iota
	opExp
	opExpm1
	opLog1p
	opExpNegAbs
)

// vecLanes is the lane count of the active elementwise kernels (8 with
// AVX-512, 4 with AVX2+FMA), 0 when they are pure Go.
var vecLanes int

// apply sets dst[i] = f(x[i]) through the kernel op (the scalar f when
// vecLanes is 0), the tail shorter than the lane count padded with pad.
func apply(name string, dst, x []float64, op vecOp, f func(float64) float64, pad float64) []float64 {
	if len(dst) < len(x) {
		panic("kernel: " + name + ": dst shorter than x")
	}
	dst = dst[:len(x)]
	if vecLanes == 0 {
		for i, v := range x {
			dst[i] = f(v)
		}
		return dst
	}
	n := len(x) - len(x)%vecLanes
	if n > 0 {
		callVec(op, &dst[0], &x[0], n)
	}
	if n < len(x) {
		var in, out [8]float64
		for i := range in {
			in[i] = pad
		}
		copy(in[:], x[n:])
		callVec(op, &out[0], &in[0], vecLanes)
		copy(dst[n:], out[:len(x)-n])
	}
	return dst
}

// Exp sets dst[i] = exp(x[i]) for every i < len(x) and returns
// dst[:len(x)]. It panics if dst is shorter than x. Special values follow
// math.Exp: exp(±0) = 1, exp(+Inf) = +Inf, exp(-Inf) = 0, exp(NaN) = NaN;
// results overflow to +Inf above 709.782712893384 and are subnormal
// (gradually) down to exp(-745.13) = 2^-1074.
//
// The vector kernels (AVX-512, AVX2+FMA) use Cody-Waite range reduction
// x = k ln2 + r, |r| <= ln2/2, with ln2 split in two parts (Cody and Waite
// 1980; the reduction of Tang 1989 without his table), exp(r) = 1 +
// expm1(r) by the Taylor polynomial of degree 13 in Horner form with
// FMAs, and the scaling 2^k as two exact factors. Measured error: at most
// 1 ulp against fdlibm's exp (the pure-Go exp of Go's math package) on
// 2^20 points per range, subnormal results included, where an ulp is the
// subnormal spacing (TestVecMathAgainstMath, which allows 2: both
// functions err by up to about half an ulp). The
// pure-Go path is a scalar port of the same algorithm (math.Exp on amd64
// overflows too early, see vecmath_go.go).
func Exp(dst, x []float64) []float64 {
	return apply("Exp", dst, x, opExp, expGo, 0)
}

// expNegAbs sets dst[i] = exp(-|x[i]|), the bits of Exp of -|x[i]|, and
// returns dst[:len(x)] (one pass instead of two, for BernoulliLogits).
func expNegAbs(dst, x []float64) []float64 {
	return apply("expNegAbs", dst, x, opExpNegAbs, func(v float64) float64 { return expGo(-math.Abs(v)) }, 0)
}

// Expm1 sets dst[i] = exp(x[i]) - 1 for every i < len(x), accurate also
// for x near 0, and returns dst[:len(x)]. It panics if dst is shorter
// than x. Special values follow math.Expm1: expm1(±0) = ±0, expm1(+Inf) =
// +Inf, expm1(-Inf) = -1, expm1(NaN) = NaN, subnormals return themselves.
//
// The vector kernels share Exp's reduction x = k ln2 + r and polynomial
// for expm1(r), and reconstruct expm1(x) = 2 (2^(k-1) expm1(r) + 2^(k-1)
// - 1/2) by one FMA (exactly expm1(r) for k = 0, i.e. |x| < ln2/2).
// Measured error against math.Expm1: at most 2 ulp, reached near |x| =
// ln2/2 where the FMA cancels (TestVecMathAgainstMath). The pure-Go path
// is a scalar port of the same algorithm (math.Expm1 overflows too early).
func Expm1(dst, x []float64) []float64 {
	return apply("Expm1", dst, x, opExpm1, expm1Go, 0)
}

// Log1p sets dst[i] = log(1 + x[i]) for every i < len(x), accurate also
// for x near 0, and returns dst[:len(x)]. It panics if dst is shorter
// than x. Special values follow math.Log1p: log1p(±0) = ±0, log1p(-1) =
// -Inf, log1p(x < -1) = NaN, log1p(+Inf) = +Inf, log1p(NaN) = NaN,
// subnormals return themselves.
//
// The vector kernels compute u = 1 + x rounded, log(u) by the algorithm
// of Log, and add the first-order correction (x - (u - 1))/u for the
// rounding of u (as fdlibm's s_log1p.c does). Measured error against
// math.Log1p: at most 1 ulp (TestVecMathAgainstMath, which allows 2).
// The pure-Go path is math.Log1p.
func Log1p(dst, x []float64) []float64 {
	return apply("Log1p", dst, x, opLog1p, math.Log1p, 0)
}

// Log sets dst[i] = log(x[i]) for every i < len(x) and returns dst[:len(x)].
// It panics if dst is shorter than x. Special values follow math.Log:
// log(±0) = -Inf, log(+Inf) = +Inf, log(x < 0) = NaN, log(NaN) = NaN;
// subnormals are exact inputs.
//
// The vector kernels (AVX-512, AVX2+FMA) compute 8 or 4 values at a time
// by fdlibm's algorithm (e_log.c, the one behind math.Log: reduction to
// [sqrt(2)/2, sqrt(2)), s = f/(2+f), a degree-14 minimax polynomial in
// s), error below 1 ulp. Measured against math.Log over 2^22 points
// (uniform bit patterns over [2^-1074, 2^1024), uniform in [0.5, 2] and
// within 1e-6 of 1) plus the special values: at most 1 ulp apart
// (TestLogAgainstMath). The pure-Go path is math.Log, except for positive
// subnormals: Go's amd64 math.Log returns about log(2^-1022) for them
// (log(7.35e-310) gives -709.06 instead of -711.81), so they are scaled
// by 2^54 first.
func Log(dst, x []float64) []float64 {
	return apply("Log", dst, x, opLog, logGo, 1)
}

// logGo is math.Log with positive subnormals scaled into the normal range.
func logGo(v float64) float64 {
	if v > 0 && v < 0x1p-1022 {
		return math.Log(v*0x1p54) - 54*math.Ln2
	}
	return math.Log(v)
}
