package kernel

import "math"

// Log sets dst[i] = log(x[i]) for every i < len(x) and returns dst[:len(x)].
// It panics if dst is shorter than x. Special values follow math.Log:
// log(±0) = -Inf, log(+Inf) = +Inf, log(x < 0) = NaN, log(NaN) = NaN;
// subnormals are exact inputs.
//
// With AVX-512 the values are computed 8 at a time by fdlibm's algorithm
// (e_log.c, the one behind math.Log: reduction to [sqrt(2)/2, sqrt(2)),
// s = f/(2+f), a degree-14 minimax polynomial in s), error below 1 ulp.
// Measured against math.Log over 2^24 points (uniform bit patterns over
// [2^-1074, 2^1024), uniform in [0.5, 2] and within 1e-6 of 1) plus the
// special values: at most 1 ulp apart (TestLogAgainstMath). The pure-Go
// path is math.Log, except for positive subnormals: Go's amd64 math.Log
// returns about log(2^-1022) for them (log(7.35e-310) gives -709.06
// instead of -711.81), so they are scaled by 2^54 first.
func Log(dst, x []float64) []float64 {
	if len(dst) < len(x) {
		panic("kernel: Log: dst shorter than x")
	}
	dst = dst[:len(x)]
	if !logVec {
		for i, v := range x {
			dst[i] = logGo(v)
		}
		return dst
	}
	n := len(x) &^ 7
	if n > 0 {
		logAVX512(&dst[0], &x[0], n)
	}
	if n < len(x) {
		// The tail goes through the same kernel, padded with ones.
		var in, out [8]float64
		for i := range in {
			in[i] = 1
		}
		copy(in[:], x[n:])
		logAVX512(&out[0], &in[0], 8)
		copy(dst[n:], out[:len(x)-n])
	}
	return dst
}

// logGo is math.Log with positive subnormals scaled into the normal range.
func logGo(v float64) float64 {
	if v > 0 && v < 0x1p-1022 {
		return math.Log(v*0x1p54) - 54*math.Ln2
	}
	return math.Log(v)
}
