// Command gen writes the amd64 assembly of package kernel with avo
// (github.com/mmcloughlin/avo). It lives in its own module so that the
// library's go.mod does not depend on avo. Run it through go generate in
// the parent directory:
//
//	go generate ./internal/kernel/
package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

func main() {
	ConstraintExpr("!purego")
	// AVX-512: 8 rows x 24 columns (3 zmm), 24 accumulators of the 32 zmm.
	gemmKernel("gemmKernel8x24AVX512", 8, 3, 8)
	// AVX2 + FMA: 4 rows x 12 columns (3 ymm), 12 accumulators of the 16 ymm.
	gemmKernel("gemmKernel4x12AVX2", 4, 3, 4)
	// AVX-512 skinny products (few rows): 16 x 8 tiles, operand in place.
	skinnyKernel("skinnyRowsAVX512", true, false)
	skinnyKernel("skinnyColsAVX512", false, false)
	// ... and products with few columns: 16 x 8 tiles of C, op(A) in place.
	skinnyKernel("skinnyRowsDAVX512", true, true)
	skinnyKernel("skinnyColsDAVX512", false, true)
	// AVX-512 skinny products with op(B) untransposed: 8 x 16 tiles, both
	// operands in place.
	skinnyNNKernel("skinnyNNRowsAVX512", true)
	skinnyNNKernel("skinnyNNColsAVX512", false)
	logKernel()
	vecMath()
	cholKernels()
	interleaveKernels()
	trilKernel()
	Generate()
}

// gemmKernel emits the micro-kernel
//
//	func NAME(k int, a, b, c *float64, ldc int, alpha float64)
//
// computing c[i*ldc+j] = fma(alpha, acc[i][j], c[i*ldc+j]) for the mr x
// (nv*lanes) tile, where acc[i][j] = fma(a[p*mr+i], b[p*nr+j], acc[i][j])
// for p = 0..k-1 starting from 0: a is a packed micro-panel of op(A) (mr
// values per step of k), b one of op(B) (nr values per step).
// k must be at least 1.
func gemmKernel(name string, mr, nv, lanes int) {
	nr := nv * lanes
	TEXT(name, NOSPLIT, "func(k int, a, b, c *float64, ldc int, alpha float64)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s adds alpha times the product of a packed %dxk micro-panel a", name, mr),
		fmt.Sprintf("and a packed kx%d micro-panel b into the %dx%d tile c (row stride ldc).", nr, mr, nr),
		"Each element is one FMA chain over k, then one FMA with alpha. k >= 1.")
	k := Load(Param("k"), GP64())
	pa := Load(Param("a"), GP64())
	pb := Load(Param("b"), GP64())
	pc := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(3), ldc)

	vec := func() VecVirtual {
		if lanes == 8 {
			return ZMM()
		}
		return YMM()
	}
	acc := make([][]VecVirtual, mr)
	for i := range acc {
		acc[i] = make([]VecVirtual, nv)
		for v := range acc[i] {
			acc[i][v] = vec()
			VXORPD(acc[i][v], acc[i][v], acc[i][v])
		}
	}
	bv := make([]VecVirtual, nv)
	for v := range bv {
		bv[v] = vec()
	}
	bc := vec()

	Label(name + "_loop")
	for v := 0; v < nv; v++ {
		VMOVUPD(Mem{Base: pb, Disp: 8 * lanes * v}, bv[v])
	}
	for i := 0; i < mr; i++ {
		VBROADCASTSD(Mem{Base: pa, Disp: 8 * i}, bc)
		for v := 0; v < nv; v++ {
			VFMADD231PD(bv[v], bc, acc[i][v])
		}
	}
	ADDQ(U32(8*mr), pa)
	ADDQ(U32(8*nr), pb)
	DECQ(k)
	JNZ(LabelRef(name + "_loop"))

	alv := vec()
	b, err := Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	VBROADCASTSD(b.Addr, alv)
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			m := Mem{Base: pc, Disp: 8 * lanes * v}
			VFMADD213PD(m, alv, acc[i][v])
			VMOVUPD(acc[i][v], m)
		}
		if i < mr-1 {
			ADDQ(ldc, pc)
		}
	}
	VZEROUPPER()
	RET()
}

// logKernel emits func logAVX512(dst, x *float64, n int), n a positive
// multiple of 8: dst[i] = log(x[i]) by fdlibm's e_log.c algorithm (the
// one of Go's math.Log), with the exponent and mantissa taken by
// VGETEXPPD and VGETMANTPD, which also normalize subnormals.
func logKernel() {
	TEXT("logAVX512", NOSPLIT, "func(dst, x *float64, n int)")
	Pragma("noescape")
	Doc("logAVX512 sets dst[i] = log(x[i]) for i < n, n a positive multiple of 8.")
	pd := Load(Param("dst"), GP64())
	px := Load(Param("x"), GP64())
	n := Load(Param("n"), GP64())
	cst := func(name string, v float64) VecVirtual {
		r := ZMM()
		// U64 bits: avo prints an integral F64 such as 1 as the integer $(1).
		VBROADCASTSD(ConstData("log_"+name, U64(math.Float64bits(v))), r)
		return r
	}
	one, two, half := cst("one", 1), cst("two", 2), cst("half", 0.5)
	sqrt2 := cst("sqrt2", 1.41421356237309504880168872420969808)
	ln2hi := cst("ln2hi", 6.93147180369123816490e-01)
	ln2lo := cst("ln2lo", 1.90821492927058770002e-10)
	l1 := cst("l1", 6.666666666666735130e-01)
	l2 := cst("l2", 3.999999999940941908e-01)
	l3 := cst("l3", 2.857142874366239149e-01)
	l4 := cst("l4", 2.222219843214978396e-01)
	l5 := cst("l5", 1.818357216161805012e-01)
	l6 := cst("l6", 1.531383769920937332e-01)
	l7 := cst("l7", 1.479819860511658591e-01)
	nan := ZMM()
	VBROADCASTSD(ConstData("log_nan", U64(0x7FF8000000000001)), nan)
	zero := ZMM()
	VXORPD(zero, zero, zero)

	Label("log_loop")
	x := ZMM()
	VMOVUPD(Mem{Base: px}, x)
	m, e := ZMM(), ZMM()
	VGETMANTPD(U8(0), x, m) // |m| in [1, 2)
	VGETEXPPD(x, e)         // floor(log2 |x|)
	big := K()
	VCMPPD(U8(0x1D), sqrt2, m, big) // m >= sqrt2: m /= 2, e++
	VMULPD(half, m, big, m)
	VADDPD(one, e, big, e)
	f, t, sv := ZMM(), ZMM(), ZMM()
	VSUBPD(one, m, f) // f = m - 1
	VADDPD(two, f, t)
	VDIVPD(t, f, sv) // s = f / (2 + f)
	z, w := ZMM(), ZMM()
	VMULPD(sv, sv, z)
	VMULPD(z, z, w)
	p, q := ZMM(), ZMM()
	VMULPD(w, l7, p) // t1 = z (L1 + w (L3 + w (L5 + w L7)))
	VADDPD(l5, p, p)
	VMULPD(w, p, p)
	VADDPD(l3, p, p)
	VMULPD(w, p, p)
	VADDPD(l1, p, p)
	VMULPD(z, p, p)
	VMULPD(w, l6, q) // t2 = w (L2 + w (L4 + w L6))
	VADDPD(l4, q, q)
	VMULPD(w, q, q)
	VADDPD(l2, q, q)
	VMULPD(w, q, q)
	VADDPD(q, p, p) // R
	h := ZMM()
	VMULPD(half, f, h) // hfsq = 0.5 f f
	VMULPD(f, h, h)
	a1, a2 := ZMM(), ZMM()
	VADDPD(p, h, a1)
	VMULPD(sv, a1, a1) // s (hfsq + R)
	VMULPD(ln2lo, e, a2)
	VADDPD(a2, a1, a1) // + e ln2lo
	VSUBPD(a1, h, a1)  // hfsq - (...)
	VSUBPD(f, a1, a1)  // (...) - f
	r := ZMM()
	VMULPD(ln2hi, e, r)
	VSUBPD(a1, r, r) // e ln2hi - (...)
	neg := K()
	VCMPPD(U8(0x11), zero, x, neg) // x < 0: NaN
	VMOVAPD(nan, neg, r)
	VMOVUPD(r, Mem{Base: pd})
	ADDQ(U32(64), px)
	ADDQ(U32(64), pd)
	SUBQ(U32(8), n)
	JNZ(LabelRef("log_loop"))
	VZEROUPPER()
	RET()
}
