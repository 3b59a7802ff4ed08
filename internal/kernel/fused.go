package kernel

import "math"

// The fused elementwise loops. Each works through blocks of fusedBlock
// values: the transcendental part of a block goes through the vector
// kernels (Exp, Log, Log1p) into a stack buffer, the rest is a plain loop
// over the block, so that the data stays in L1 and nothing is allocated.
// Every output element depends only on the inputs at its index, so the
// results do not depend on how callers split the slices over goroutines.

const fusedBlock = 512

func checkLen(name string, n int, s ...[]float64) {
	for _, v := range s {
		if v != nil && len(v) < n {
			panic("kernel: " + name + ": slice shorter than the first")
		}
	}
}

// log1pExpNegAbs sets b[i] = log1p(exp(-|x[i]|)), the term softplus and
// log-sigmoid share, and returns b (len(b) == len(x)).
func log1pExpNegAbs(b, x []float64) []float64 {
	for i, v := range x {
		b[i] = -math.Abs(v)
	}
	Exp(b, b)
	return Log1p(b, b)
}

// Softplus sets dst[i] = log(1 + exp(x[i])) = max(x, 0) + log1p(exp(-|x|))
// for i < len(x), without overflow; dst may be x. It panics if dst is
// shorter than x. softplus(-Inf) = 0, softplus(+Inf) = +Inf, NaN gives
// NaN. Error at most 3 ulp against the same formula in math's functions
// (TestFusedAgainstScalar).
func Softplus(dst, x []float64) {
	checkLen("Softplus", len(x), dst)
	var buf [fusedBlock]float64
	for lo := 0; lo < len(x); lo += fusedBlock {
		xs := x[lo:min(lo+fusedBlock, len(x))]
		b := log1pExpNegAbs(buf[:len(xs)], xs)
		d := dst[lo : lo+len(xs)]
		for i, v := range xs {
			if v < 0 {
				v = 0
			}
			d[i] = v + b[i]
		}
	}
}

// LogSigmoid sets dst[i] = log(1/(1 + exp(-x[i]))) = min(x, 0) -
// log1p(exp(-|x|)) for i < len(x); dst may be x. It panics if dst is
// shorter than x. Error at most 3 ulp against the same formula in math's
// functions (TestFusedAgainstScalar).
func LogSigmoid(dst, x []float64) {
	checkLen("LogSigmoid", len(x), dst)
	var buf [fusedBlock]float64
	for lo := 0; lo < len(x); lo += fusedBlock {
		xs := x[lo:min(lo+fusedBlock, len(x))]
		b := log1pExpNegAbs(buf[:len(xs)], xs)
		d := dst[lo : lo+len(xs)]
		for i, v := range xs {
			if v > 0 {
				v = 0
			}
			d[i] = v - b[i]
		}
	}
}

// Sigmoid sets dst[i] = 1/(1 + exp(-x[i])) for i < len(x), as 1/(1+e)
// for x >= 0 and e (1/(1+e)) for x < 0 with e = exp(-|x|) (no overflow, full
// relative accuracy in both tails); dst may be x. It panics if dst is
// shorter than x. Error at most 3 ulp against the same formula in math's
// functions (TestFusedAgainstScalar).
func Sigmoid(dst, x []float64) {
	checkLen("Sigmoid", len(x), dst)
	var buf [fusedBlock]float64
	for lo := 0; lo < len(x); lo += fusedBlock {
		xs := x[lo:min(lo+fusedBlock, len(x))]
		b := buf[:len(xs)]
		for i, v := range xs {
			b[i] = -math.Abs(v)
		}
		Exp(b, b)
		d := dst[lo : lo+len(xs)]
		for i, v := range xs {
			e := b[i]
			r := 1 / (1 + e)
			if v < 0 { // a conditional move, not a branch
				r *= e
			}
			d[i] = r
		}
	}
}

// logSqrt2Pi is log(sqrt(2 pi)).
const logSqrt2Pi = 0.91893853320467274178032973640561763986139747363778

// NormalLogProb sets dst[i] = log N(x[i] | loc[i], scale[i]) =
// -z²/2 - log(scale) - log(2 pi)/2 with z = (x - loc)/scale, for i <
// len(x). It panics if another slice is shorter than x. The error is at
// most 2 ulp of the largest of the three terms (the sum may cancel).
func NormalLogProb(dst, x, loc, scale []float64) {
	n := len(x)
	checkLen("NormalLogProb", n, dst, loc, scale)
	var buf [fusedBlock]float64
	for lo := 0; lo < n; lo += fusedBlock {
		hi := min(lo+fusedBlock, n)
		b := Log(buf[:hi-lo], scale[lo:hi])
		xs, ls, ss, d := x[lo:hi], loc[lo:hi], scale[lo:hi], dst[lo:hi]
		for i, v := range xs {
			z := (v - ls[i]) / ss[i]
			d[i] = -0.5*z*z - b[i] - logSqrt2Pi
		}
	}
}

// normalKLNear bounds |s1 - s2|/s2 in NormalKL's accurate branch.
const normalKLNear = 0.5

// NormalKL sets dst[i] = KL(N(m1, s1) || N(m2, s2)) = ½(r² - 1 - log r² +
// δ²) at index i, with r = s1/s2 and δ = (m1 - m2)/s2, for i < len(m1),
// and if e is not nil e[i] = r² - 1 (for the partials: ∂/∂s1 = e/s1,
// ∂/∂s2 = -(e + δ²)/s2). It panics if another slice is shorter than m1.
//
// log r² is d = 2 log1p((s1 - s2)/s2) (s1 - s2 is exact near s1 = s2);
// the vector kernels (AVX-512, AVX2+FMA) compute both branches below and
// blend them, with the quotients by s2 as products with 1/s2. Within 25% of s1 = s2, r² - 1 - d = expm1(d) - d
// is the series Σ_{n>=2} dⁿ/n! (to degree 24, |d| < 0.58, remainder below
// 1e-25 relative), which keeps full relative accuracy where the naive
// form cancels; farther away it is r² - 1 - d, where nothing cancels
// much. Measured error (TestNormalKLAgainstBig): within 50% of s1 = s2 at
// most 7.0 ulp relative against a 200-bit math/big series (the test
// allows 8), equal locations included, where the KL is the scale term
// alone; elsewhere within 4e-15 relative of the float64 formula.
func NormalKL(dst, e, m1, s1, m2, s2 []float64) {
	NormalKLChecked(dst, e, m1, s1, m2, s2)
}

// NormalKLChecked is NormalKL, and also reports whether every m1, m2 is
// finite and every s1, s2 finite and > 0 (the parameters of valid
// normals), checked in the same pass over the data, so that a caller can
// validate and compute at once. When it reports false the values are
// those of the formula (NaN or ±Inf where an input is out of range).
func NormalKLChecked(dst, e, m1, s1, m2, s2 []float64) bool {
	n := len(m1)
	checkLen("NormalKL", n, dst, e, s1, m2, s2)
	if vecLanes == 0 {
		normalKLGo(dst, e, m1, s1, m2, s2)
		return normalParamsOK(m1, s1) && normalParamsOK(m2, s2)
	}
	// Three short passes per block (normalKLPre, Log1p, normalKLPost) in
	// place of one long kernel: the long one is bound by the latency of
	// its dependency chain, the short loops' iterations overlap.
	chk := [16]float64{8: math.Inf(1), 9: math.Inf(1), 10: math.Inf(1), 11: math.Inf(1),
		12: math.Inf(1), 13: math.Inf(1), 14: math.Inf(1), 15: math.Inf(1)}
	var yb, wb, rb, eb [fusedBlock]float64
	for lo := 0; lo < n; lo += fusedBlock {
		hi := min(lo+fusedBlock, n)
		es := eb[:hi-lo]
		if e != nil {
			es = e[lo:hi]
		}
		k := (hi - lo) - (hi-lo)%vecLanes
		if k > 0 {
			normalKLPasses(&dst[lo], &es[0], &m1[lo], &s1[lo], &m2[lo], &s2[lo], k, &yb, &wb, &rb, &chk)
		}
		if t := lo + k; t < hi {
			// The tail through the same kernels, padded with N(0, 1) pairs.
			var td, te, a, sa, b, sb [8]float64
			for i := range sa {
				sa[i], sb[i] = 1, 1
			}
			copy(a[:], m1[t:hi])
			copy(sa[:], s1[t:hi])
			copy(b[:], m2[t:hi])
			copy(sb[:], s2[t:hi])
			normalKLPasses(&td[0], &te[0], &a[0], &sa[0], &b[0], &sb[0], vecLanes, &yb, &wb, &rb, &chk)
			copy(dst[t:hi], td[:])
			copy(es[k:], te[:])
		}
	}
	for i := range vecLanes {
		if chk[i] != 0 || !(chk[8+i] > 0) {
			return false
		}
	}
	return true
}

// normalKLPasses runs NormalKL's three vector passes over n values (a
// multiple of vecLanes, at most fusedBlock) with y, w, r as scratch.
func normalKLPasses(dst, e, m1, s1, m2, s2 *float64, n int, y, w, r *[fusedBlock]float64, chk *[16]float64) {
	normalKLPreVec(&y[0], &w[0], &r[0], m1, s1, m2, s2, n, chk)
	callVec(opLog1p, &y[0], &y[0], n)
	normalKLPostVec(dst, e, &y[0], &w[0], &r[0], n)
}

// normalParamsOK reports whether every loc is finite and every scale
// finite and > 0, without branches in the loop.
func normalParamsOK(loc, scale []float64) bool {
	fin, mn := 0.0, math.Inf(1)
	for i, m := range loc {
		s := scale[i]
		fin += 0*m + 0*s // NaN once m or s is NaN or ±Inf
		mn = min(mn, s)
	}
	return fin == 0 && mn > 0
}

// normalKLGo is NormalKL's pure-Go path: the vector Log1p (pure Go here)
// over a block, then the series or direct branch per element.
func normalKLGo(dst, e, m1, s1, m2, s2 []float64) {
	n := len(m1)
	var buf [fusedBlock]float64
	for lo := 0; lo < n; lo += fusedBlock {
		hi := min(lo+fusedBlock, n)
		b := buf[:hi-lo]
		sa, sb := s1[lo:hi], s2[lo:hi]
		for i := range b {
			b[i] = (sa[i] - sb[i]) / sb[i]
		}
		Log1p(b, b)
		ma, mb, d := m1[lo:hi], m2[lo:hi], dst[lo:hi]
		var es []float64
		if e != nil {
			es = e[lo:hi]
		}
		for i := range b {
			dd := 2 * b[i]
			var ee, lr float64
			if math.Abs(sa[i]-sb[i]) < normalKLNear*sb[i] {
				lr = expm1MinusX(dd)
				ee = lr + dd
			} else {
				r := sa[i] / sb[i]
				ee = r*r - 1
				lr = ee - dd
			}
			delta := (ma[i] - mb[i]) / sb[i]
			d[i] = 0.5 * (lr + delta*delta)
			if es != nil {
				es[i] = ee
			}
		}
	}
}

// expm1MinusXCoef holds 1/n! for n = 2..24.
var expm1MinusXCoef = func() [23]float64 {
	var c [23]float64
	f := 1.0
	for n := 2; n <= 24; n++ {
		f *= float64(n)
		c[n-2] = 1 / f
	}
	return c
}()

// expm1MinusX returns expm1(d) - d = d² Σ_{n>=2} d^(n-2)/n! for |d| < 0.6
// by Horner's rule (the terms after degree 24 are below 1e-25 relative).
func expm1MinusX(d float64) float64 {
	c := &expm1MinusXCoef
	p := c[len(c)-1]
	for i := len(c) - 2; i >= 0; i-- {
		p = p*d + c[i]
	}
	return d * d * p
}

// Adam applies one step of Adam (Kingma and Ba 2015) to p with gradient
// scale*g, moments m and v, for i < len(p):
//
//	g' = scale g; m = b1 m + (1-b1) g'; v = b2 v + ((1-b2) g') g'
//	p -= (lr (m/c1)) / (sqrt(v/c2) + eps)
//
// with the bias corrections c1 = 1 - b1^t and c2 = 1 - b2^t. The vector
// kernels perform the operations of this scalar formula in the same order
// without fusing, so every path gives the same bits. It panics if m, v or
// g is shorter than p.
func Adam(p, m, v, g []float64, scale, b1, b2, c1, c2, lr, eps float64) {
	n := len(p)
	checkLen("Adam", n, m, v, g)
	k := 0
	if vecLanes > 0 && n >= vecLanes {
		k = n - n%vecLanes
		c := [9]float64{scale, b1, 1 - b1, b2, 1 - b2, c1, c2, lr, eps}
		adamVec(&p[0], &m[0], &v[0], &g[0], k, &c)
	}
	adamGo(p[k:n], m[k:n], v[k:n], g[k:n], scale, b1, b2, c1, c2, lr, eps)
}

func adamGo(p, m, v, g []float64, scale, b1, b2, c1, c2, lr, eps float64) {
	omb1, omb2 := 1-b1, 1-b2
	for i := range p {
		gi := scale * g[i]
		m[i] = b1*m[i] + omb1*gi
		v[i] = b2*v[i] + omb2*gi*gi
		p[i] -= (lr * (m[i] / c1)) / (math.Sqrt(v[i]/c2) + eps)
	}
}
