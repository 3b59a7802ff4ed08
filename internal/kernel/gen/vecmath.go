package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// isa describes one vector instruction set the elementwise kernels are
// emitted for: AVX-512 (8 lanes, opmask registers for comparisons) or
// AVX2 + FMA (4 lanes, comparison results as lane masks and VBLENDVPD).
type isa struct {
	name  string
	lanes int
	z     bool
}

var (
	isaAVX512 = isa{"AVX512", 8, true}
	isaAVX2   = isa{"AVX2", 4, false}
)

// Comparison predicates of VCMPPD.
const (
	cmpEQ    = 0x00 // EQ_OQ
	cmpUnord = 0x03 // UNORD_Q
	cmpNLT   = 0x05 // NLT_US: true for NaN
	cmpLT    = 0x11 // LT_OQ
	cmpLE    = 0x12 // LE_OQ
	cmpUNORD = 0x03 // UNORD_Q: true where either is NaN
	cmpGE    = 0x1D // GE_OQ
)

var consts = map[uint64]Mem{}

// constMem returns the 8-byte constant with bits b, emitted once.
func constMem(b uint64) Mem {
	if m, ok := consts[b]; ok {
		return m
	}
	m := ConstData(fmt.Sprintf("vm_%016x", b), U64(b))
	consts[b] = m
	return m
}

func (s isa) vec() VecVirtual {
	if s.z {
		return ZMM()
	}
	return YMM()
}

// c broadcasts the float64 v into a new register.
func (s isa) c(v float64) VecVirtual { return s.cb(math.Float64bits(v)) }

// cb broadcasts the 64-bit pattern b into a new register.
func (s isa) cb(b uint64) VecVirtual {
	r := s.vec()
	VBROADCASTSD(constMem(b), r)
	return r
}

// cmp returns the mask a PRED b.
func (s isa) cmp(pred uint8, a, b Op) Op {
	if s.z {
		k := K()
		VCMPPD(U8(pred), b, a, k)
		return k
	}
	m := YMM()
	VCMPPD(U8(pred), b, a, m)
	return m
}

// sel sets dst = src in the lanes where mask is set.
func (s isa) sel(mask Op, src, dst VecVirtual) {
	if s.z {
		VMOVAPD(src, mask, dst)
		return
	}
	VBLENDVPD(mask, src, dst, dst)
}

func (s isa) pand(a, b, dst Op) {
	if s.z {
		VPANDQ(b, a, dst)
		return
	}
	VPAND(b, a, dst)
}

func (s isa) por(a, b, dst Op) {
	if s.z {
		VPORQ(b, a, dst)
		return
	}
	VPOR(b, a, dst)
}

// horner sets p = c[0] + r (c[1] + r (c[2] + ...)) by FMAs, c in
// increasing degree.
func (s isa) horner(r VecVirtual, c []float64) VecVirtual {
	p := s.c(c[len(c)-1])
	for i := len(c) - 2; i >= 0; i-- {
		VFMADD213PD(s.c(c[i]), r, p) // p = r p + c[i]
	}
	return p
}

const (
	magic   = 0x1.8p52 // adding it rounds |v| < 2^51 to an integer
	ln2Hi   = 6.93147180369123816490e-01
	ln2Lo   = 1.90821492927058770002e-10
	tiny    = 0x1p-54 // below it expm1(x) and log1p(x) round to x
	absMask = 0x7FFFFFFFFFFFFFFF
)

// expmTaylor (also in ../vecmath_go.go) holds 1/n! for n = 2..13: with |r| <= ln2/2 the Taylor
// remainder of expm1 after degree 13 is below 5e-18 r, far below half an
// ulp, so the truncated series needs no minimax correction.
func expmTaylor() []float64 {
	c := make([]float64, 12)
	f := 1.0
	for n := 2; n <= 13; n++ {
		f *= float64(n)
		c[n-2] = 1 / f
	}
	return c
}

// reduce performs Cody-Waite range reduction (Cody and Waite 1980): k =
// round(x/ln2) and r = (x - k ln2hi) - k ln2lo with ln2hi of 32
// significant bits, so that k ln2hi is exact for |k| < 2^20 and |r| <=
// ln2/2 (slightly more through rounding). It returns k as a float64 and
// expm1(r) = r + r^2 (1/2 + r/6 + ...).
func (s isa) reduce(x VecVirtual) (kf, em VecVirtual) {
	kf = s.vec()
	mg := s.c(magic)
	VMULPD(s.c(math.Log2E), x, kf)
	VADDPD(mg, kf, kf)
	VSUBPD(mg, kf, kf)
	r := s.vec()
	VMOVAPD(x, r)
	VFNMADD231PD(s.c(ln2Hi), kf, r) // r -= k ln2hi
	VFNMADD231PD(s.c(ln2Lo), kf, r) // r -= k ln2lo
	p := s.horner(r, expmTaylor())
	r2 := s.vec()
	VMULPD(r, r, r2)
	VFMADD213PD(r, r2, p) // expm1(r) = r + r^2 p
	return kf, p
}

// pow2 returns 2^(k+bias) for integral k (as float64) with k+bias+1023 in
// [1, 2046]: the biased exponent is written into the exponent field by
// adding it to 1.5*2^52 and shifting the low bits up.
func (s isa) pow2(k VecVirtual, bias float64) VecVirtual {
	t := s.vec()
	VADDPD(s.c(magic+1023+bias), k, t)
	VPSLLQ(U8(52), t, t)
	return t
}

// loop emits the loop of an elementwise kernel func NAME(dst, x *float64,
// n int), n a positive multiple of s.lanes, body mapping the loaded x to
// the value stored.
func (s isa) loop(name, doc string, body func(x VecVirtual) VecVirtual) {
	TEXT(name, NOSPLIT, "func(dst, x *float64, n int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s sets dst[i] = %s for i < n, n a positive multiple of %d.", name, doc, s.lanes))
	pd := Load(Param("dst"), GP64())
	px := Load(Param("x"), GP64())
	n := Load(Param("n"), GP64())
	Label(name + "_loop")
	x := s.vec()
	VMOVUPD(Mem{Base: px}, x)
	y := body(x)
	VMOVUPD(y, Mem{Base: pd})
	ADDQ(U32(8*s.lanes), px)
	ADDQ(U32(8*s.lanes), pd)
	SUBQ(U32(s.lanes), n)
	JNZ(LabelRef(name + "_loop"))
	VZEROUPPER()
	RET()
}

// expBody computes exp(x): Cody-Waite reduction, exp(r) = 1 + expm1(r),
// and the scaling by 2^k as two factors 2^k1 2^k2 (k1 = round(k/2)) so
// that results down into the subnormals (k >= -1075) and up to the
// overflow threshold are formed with one final rounding. x is clamped to
// [-746, 710] first, where exp is already 0 or +Inf.
func (s isa) expBody(x VecVirtual) VecVirtual {
	xc := s.vec()
	VMINPD(s.c(710), x, xc)
	VMAXPD(s.c(-746), xc, xc)
	kf, em := s.reduce(xc)
	y := s.vec()
	VADDPD(s.c(1), em, y)
	k1 := s.vec()
	mg := s.c(magic)
	VMULPD(s.c(0.5), kf, k1)
	VADDPD(mg, k1, k1)
	VSUBPD(mg, k1, k1)
	k2 := s.vec()
	VSUBPD(k1, kf, k2)
	VMULPD(s.pow2(k1, 0), y, y)
	VMULPD(s.pow2(k2, 0), y, y)
	s.sel(s.cmp(cmpUnord, x, x), x, y)
	return y
}

// expm1Body computes expm1(x) = 2 (2^(k-1) expm1(r) + (2^(k-1) - 1/2)),
// which is expm1(r) exactly for k = 0, with one FMA otherwise; x is
// clamped to [-40, 710] (expm1(-40) rounds to -1). |x| < 2^-54 (±0 and
// subnormals included) returns x.
func (s isa) expm1Body(x VecVirtual) VecVirtual {
	xc := s.vec()
	VMINPD(s.c(710), x, xc)
	VMAXPD(s.c(-40), xc, xc)
	kf, em := s.reduce(xc)
	t := s.pow2(kf, -1)
	h := s.vec()
	VSUBPD(s.c(0.5), t, h)
	VFMADD213PD(h, em, t) // t = em t + h
	VADDPD(t, t, t)
	ax := s.vec()
	s.pand(x, s.cb(absMask), ax)
	s.sel(s.cmp(cmpLT, ax, s.c(tiny)), x, t)
	s.sel(s.cmp(cmpUnord, x, x), x, t)
	return t
}

// logCore returns log(u) for finite u > 0 by fdlibm's e_log.c algorithm
// (the one of Go's math.Log): u = 2^e m with m in [sqrt(2)/2, sqrt(2)),
// f = m - 1, s = f/(2+f), log(1+f) = f - (hfsq - s (hfsq + R(s^2))) with
// hfsq = f^2/2 and R a degree-14 minimax polynomial, plus e ln2 in two
// parts. AVX-512 takes e and m by VGETEXPPD/VGETMANTPD (subnormals
// included); AVX2 reads the exponent bits, scaling subnormals by 2^54
// first. Special values are fixed by the caller.
func (s isa) logCore(u VecVirtual) VecVirtual {
	m, e := s.vec(), s.vec()
	if s.z {
		VGETMANTPD(U8(0), u, m) // |m| in [1, 2)
		VGETEXPPD(u, e)         // floor(log2 |u|)
	} else {
		xs := s.vec()
		VMOVAPD(u, xs)
		sub := s.cmp(cmpLT, u, s.c(0x1p-1022))
		sc := s.vec()
		VMULPD(s.c(0x1p54), u, sc)
		s.sel(sub, sc, xs)
		VXORPD(e, e, e)
		s.sel(sub, s.c(-54), e)
		eb := s.vec()
		VPSRLQ(U8(52), xs, eb)
		s.por(eb, s.c(0x1p52), eb)
		VSUBPD(s.c(0x1p52+1023), eb, eb)
		VADDPD(eb, e, e)
		s.pand(xs, s.cb(0x000FFFFFFFFFFFFF), m)
		s.por(m, s.c(1), m)
	}
	big := s.cmp(cmpGE, m, s.c(math.Sqrt2))
	hm, e1 := s.vec(), s.vec()
	VMULPD(s.c(0.5), m, hm)
	VADDPD(s.c(1), e, e1)
	s.sel(big, hm, m)
	s.sel(big, e1, e)
	f, t, sv := s.vec(), s.vec(), s.vec()
	VSUBPD(s.c(1), m, f) // f = m - 1
	VADDPD(s.c(2), f, t)
	VDIVPD(t, f, sv) // s = f / (2 + f)
	z, w := s.vec(), s.vec()
	VMULPD(sv, sv, z)
	VMULPD(z, z, w)
	p := s.vec()
	VMULPD(w, s.c(1.479819860511658591e-01), p) // t1 = z (L1 + w (L3 + w (L5 + w L7)))
	VADDPD(s.c(1.818357216161805012e-01), p, p)
	VMULPD(w, p, p)
	VADDPD(s.c(2.857142874366239149e-01), p, p)
	VMULPD(w, p, p)
	VADDPD(s.c(6.666666666666735130e-01), p, p)
	VMULPD(z, p, p)
	q := s.vec()
	VMULPD(w, s.c(1.531383769920937332e-01), q) // t2 = w (L2 + w (L4 + w L6))
	VADDPD(s.c(2.222219843214978396e-01), q, q)
	VMULPD(w, q, q)
	VADDPD(s.c(3.999999999940941908e-01), q, q)
	VMULPD(w, q, q)
	VADDPD(q, p, p) // R
	h := s.vec()
	VMULPD(s.c(0.5), f, h) // hfsq = 0.5 f f
	VMULPD(f, h, h)
	a1, a2 := s.vec(), s.vec()
	VADDPD(p, h, a1)
	VMULPD(sv, a1, a1) // s (hfsq + R)
	VMULPD(s.c(ln2Lo), e, a2)
	VADDPD(a2, a1, a1) // + e ln2lo
	VSUBPD(a1, h, a1)  // hfsq - (...)
	VSUBPD(f, a1, a1)  // (...) - f
	r := s.vec()
	VMULPD(s.c(ln2Hi), e, r)
	VSUBPD(a1, r, r) // e ln2hi - (...)
	return r
}

// logFix applies the special values of log to r = log(u) computed by
// logCore: u < 0 gives NaN, ±0 gives -Inf, +Inf and NaN give u.
func (s isa) logFix(u, r VecVirtual) {
	s.sel(s.cmp(cmpLT, u, s.c(0)), s.cb(0x7FF8000000000001), r)
	s.sel(s.cmp(cmpEQ, u, s.c(0)), s.c(math.Inf(-1)), r)
	s.sel(s.cmp(cmpNLT, u, s.c(math.Inf(1))), u, r)
}

func (s isa) logBody(x VecVirtual) VecVirtual {
	r := s.logCore(x)
	s.logFix(x, r)
	return r
}

// log1pBody computes log1p(x) = log(u) + (x - (u - 1))/u with u = 1 + x
// rounded: the quotient corrects log(u) for the rounding of u to first
// order (Goldberg 1991, "What every computer scientist should know about
// floating-point arithmetic", theorem 4 discussion; the same correction
// as fdlibm's s_log1p.c). |x| < 2^-54 returns x.
func (s isa) log1pBody(x VecVirtual) VecVirtual {
	one := s.c(1)
	u := s.vec()
	VADDPD(one, x, u)
	r := s.logCore(u)
	c := s.vec()
	VSUBPD(one, u, c) // u - 1
	VSUBPD(c, x, c)   // x - (u - 1)
	VDIVPD(u, c, c)
	zero := s.vec()
	VXORPD(zero, zero, zero)
	s.sel(s.cmp(cmpLE, u, zero), zero, c)
	s.sel(s.cmp(cmpNLT, u, s.c(math.Inf(1))), zero, c)
	VADDPD(c, r, r)
	s.logFix(u, r)
	ax := s.vec()
	s.pand(x, s.cb(absMask), ax)
	s.sel(s.cmp(cmpLT, ax, s.c(tiny)), x, r)
	return r
}

// normalKLPreKernel emits func normalKLPreNAME(y, w, r, m1, s1, m2, s2
// *float64, n int, chk *[16]float64), n a positive multiple of s.lanes:
// the first of NormalKL's three passes, KL(N(m1, s1) || N(m2, s2)) =
// ½(r² - 1 - d + δ²), d = log r² = 2 log1p((s1 - s2)/s2), δ = (m1 - m2)/s2.
// The quotients by s2 are products with 1/s2 (one division instead of
// three, an extra rounding of at most half an ulp in each). The passes are
// short loops whose iterations overlap; one kernel doing all of it was
// bound by the latency of its chain (a division, a logarithm, a series)
// and took 1.3 times as long. With inv = 1/s2 it writes y = inv (s1 -
// s2), w = inv (m1 - m2) and r = inv s1, or NaN where |s1 - s2| < s2/2
// (the accurate branch, which needs no r). It also folds the parameters
// into chk for validation: chk[0:8] += 0·x for x = m1, s1, m2, s2 (NaN once
// any is NaN or ±Inf), chk[8:16] = min(chk[8:16], s1, s2); only the first
// s.lanes entries of each half are used.
func (s isa) normalKLPreKernel() {
	name := "normalKLPre" + s.name
	TEXT(name, NOSPLIT, "func(y, w, r, m1, s1, m2, s2 *float64, n int, chk *[16]float64)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s is NormalKL's first pass at i < n, n a positive multiple of %d.", name, s.lanes))
	py := Load(Param("y"), GP64())
	pw := Load(Param("w"), GP64())
	pr := Load(Param("r"), GP64())
	pm1 := Load(Param("m1"), GP64())
	ps1 := Load(Param("s1"), GP64())
	pm2 := Load(Param("m2"), GP64())
	ps2 := Load(Param("s2"), GP64())
	n := Load(Param("n"), GP64())
	pc := Load(Param("chk"), GP64())
	fin, mn := s.vec(), s.vec()
	VMOVUPD(Mem{Base: pc}, fin)
	VMOVUPD(Mem{Base: pc, Disp: 64}, mn)
	zero, one, half := s.vec(), s.c(1), s.c(0.5)
	VXORPD(zero, zero, zero)
	nan, abs := s.cb(0x7FF8000000000001), s.cb(absMask)
	off := GP64()
	XORQ(off, off)
	at := func(b Register) Mem { return Mem{Base: b, Index: off, Scale: 1} }
	Label(name + "_loop")
	sa, sb, a, b := s.vec(), s.vec(), s.vec(), s.vec()
	VMOVUPD(at(ps1), sa)
	VMOVUPD(at(ps2), sb)
	VMOVUPD(at(pm1), a)
	VMOVUPD(at(pm2), b)
	VFMADD231PD(zero, a, fin) // fin += 0·a
	VFMADD231PD(zero, b, fin)
	VFMADD231PD(zero, sa, fin)
	VFMADD231PD(zero, sb, fin)
	VMINPD(sa, mn, mn)
	VMINPD(sb, mn, mn)
	diff, inv, y := s.vec(), s.vec(), s.vec()
	VSUBPD(sb, sa, diff)
	VDIVPD(sb, one, inv) // one division: 1/s2
	VMULPD(inv, diff, y)
	VMOVUPD(y, at(py))
	r := s.vec()
	VMULPD(inv, sa, r)
	ad, h := s.vec(), s.vec()
	s.pand(diff, abs, ad)
	VMULPD(half, sb, h)
	s.sel(s.cmp(cmpLT, ad, h), nan, r)
	VMOVUPD(r, at(pr))
	VSUBPD(b, a, a)
	VMULPD(inv, a, a)
	VMOVUPD(a, at(pw))
	ADDQ(U32(8*s.lanes), off)
	SUBQ(U32(s.lanes), n)
	JNZ(LabelRef(name + "_loop"))
	VMOVUPD(fin, Mem{Base: pc})
	VMOVUPD(mn, Mem{Base: pc, Disp: 64})
	VZEROUPPER()
	RET()
}

// normalKLPostKernel emits func normalKLPostNAME(dst, e, l, w, r *float64,
// n int), n a positive multiple of s.lanes: NormalKL's last pass, after
// l = log1p(y) of the first pass's y. With d = 2l: where r is NaN (within
// 50% of s1 = s2) r² - 1 - d = expm1(d) - d is the Taylor series
// d² Σ_{n>=2} d^(n-2)/n! to degree 24 (no cancellation), and r² - 1 = d +
// that; elsewhere r² - 1 and r² - 1 - d directly. Both are computed and
// blended, without branches. dst = ½(r² - 1 - d + w²), e = r² - 1.
func (s isa) normalKLPostKernel() {
	name := "normalKLPost" + s.name
	TEXT(name, NOSPLIT, "func(dst, e, l, w, r *float64, n int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s is NormalKL's last pass at i < n, n a positive multiple of %d.", name, s.lanes))
	pd := Load(Param("dst"), GP64())
	pe := Load(Param("e"), GP64())
	pl := Load(Param("l"), GP64())
	pw := Load(Param("w"), GP64())
	pr := Load(Param("r"), GP64())
	n := Load(Param("n"), GP64())
	off := GP64()
	XORQ(off, off)
	at := func(b Register) Mem { return Mem{Base: b, Index: off, Scale: 1} }
	var ev, od []float64
	f := 1.0
	for k := 2; k <= 24; k++ {
		f *= float64(k)
		if (k-2)%2 == 0 {
			ev = append(ev, 1/f)
		} else {
			od = append(od, 1/f)
		}
	}
	Label(name + "_loop")
	d, d2 := s.vec(), s.vec()
	VMOVUPD(at(pl), d)
	VADDPD(d, d, d)
	VMULPD(d, d, d2)
	p := s.horner(d2, ev)
	q := s.horner(d2, od)
	VFMADD213PD(p, d, q) // q = d q + p
	VMULPD(d2, q, q)     // near: expm1(d) - d
	r, ee := s.vec(), s.vec()
	VMOVUPD(at(pr), r)
	VMULPD(r, r, ee)
	VSUBPD(s.c(1), ee, ee) // far: r² - 1
	lr := s.vec()
	VSUBPD(d, ee, lr) // far: r² - 1 - d
	near := s.cmp(cmpUNORD, r, r)
	en := s.vec()
	VADDPD(d, q, en)
	s.sel(near, q, lr)
	s.sel(near, en, ee)
	VMOVUPD(ee, at(pe))
	w := s.vec()
	VMOVUPD(at(pw), w)
	VFMADD213PD(lr, w, w) // w² + lr
	VMULPD(s.c(0.5), w, w)
	VMOVUPD(w, at(pd))
	ADDQ(U32(8*s.lanes), off)
	SUBQ(U32(s.lanes), n)
	JNZ(LabelRef(name + "_loop"))
	VZEROUPPER()
	RET()
}

// vecMath emits the elementwise kernels for every instruction set.
func vecMath() {
	s := isaAVX2
	s.loop("logAVX2", "log(x[i])", s.logBody)
	for _, s := range []isa{isaAVX512, isaAVX2} {
		s.loop("exp"+s.name, "exp(x[i])", s.expBody)
		s.loop("expm1"+s.name, "expm1(x[i])", s.expm1Body)
		s.loop("log1p"+s.name, "log1p(x[i])", s.log1pBody)
		s.loop("expNegAbs"+s.name, "exp(-|x[i]|)", func(x VecVirtual) VecVirtual {
			a := s.vec()
			s.por(x, s.cb(1<<63), a)
			return s.expBody(a)
		})
		s.adamKernel()
		s.normalKLPreKernel()
		s.normalKLPostKernel()
	}
	isaAVX512.bernoulliKernel()
}

// adamKernel emits func adamNAME(p, m, v, g *float64, n int, c *[9]float64),
// n a positive multiple of s.lanes: Adam's update (Kingma and Ba 2015)
// with c = {scale, b1, 1-b1, b2, 1-b2, c1, c2, lr, eps}, by the operations
// of the scalar loop in the same order without fusing (so the bits are
// the scalar loop's):
//
//	g' = scale g; m = b1 m + (1-b1) g'; v = b2 v + ((1-b2) g') g'
//	p -= (lr (m/c1)) / (sqrt(v/c2) + eps)
func (s isa) adamKernel() {
	name := "adam" + s.name
	TEXT(name, NOSPLIT, "func(p, m, v, grad *float64, n int, c *[9]float64)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s applies Adam's update to p, m, v with gradient g for i < n, n a positive multiple of %d,", name, s.lanes),
		"with c = {scale, b1, 1-b1, b2, 1-b2, c1, c2, lr, eps}.")
	pp := Load(Param("p"), GP64())
	pm := Load(Param("m"), GP64())
	pv := Load(Param("v"), GP64())
	pg := Load(Param("grad"), GP64())
	n := Load(Param("n"), GP64())
	pc := Load(Param("c"), GP64())
	cs := make([]VecVirtual, 9)
	for i := range cs {
		cs[i] = s.vec()
		VBROADCASTSD(Mem{Base: pc, Disp: 8 * i}, cs[i])
	}
	scale, b1, omb1, b2, omb2, c1, c2, lr, eps := cs[0], cs[1], cs[2], cs[3], cs[4], cs[5], cs[6], cs[7], cs[8]
	off := GP64()
	XORQ(off, off)
	Label(name + "_loop")
	g, m, v, t, p := s.vec(), s.vec(), s.vec(), s.vec(), s.vec()
	at := func(b Register) Mem { return Mem{Base: b, Index: off, Scale: 1} }
	VMULPD(at(pg), scale, g)
	VMULPD(at(pm), b1, m)
	VMULPD(g, omb1, t)
	VADDPD(t, m, m)
	VMOVUPD(m, at(pm))
	VMULPD(at(pv), b2, v)
	VMULPD(g, omb2, t)
	VMULPD(g, t, t)
	VADDPD(t, v, v)
	VMOVUPD(v, at(pv))
	VDIVPD(c1, m, m)
	VMULPD(m, lr, m)
	VDIVPD(c2, v, v)
	VSQRTPD(v, v)
	VADDPD(eps, v, v)
	VDIVPD(v, m, m)
	VMOVUPD(at(pp), p)
	VSUBPD(m, p, p)
	VMOVUPD(p, at(pp))
	ADDQ(U32(8*s.lanes), off)
	SUBQ(U32(s.lanes), n)
	JNZ(LabelRef(name + "_loop"))
	VZEROUPPER()
	RET()
}
