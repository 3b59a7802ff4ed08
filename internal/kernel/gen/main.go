// Command gen writes the amd64 assembly of package kernel with avo
// (github.com/mmcloughlin/avo). It lives in its own module so that the
// library's go.mod does not depend on avo. Run it through go generate in
// the parent directory:
//
//	go generate ./internal/kernel/
package main

import (
	"fmt"

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
