package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// skinnyKernel emits the AVX-512 skinny micro-kernel
//
//	func NAME(k int, a *float64, lda int, b, c *float64, ldc int, alpha float64)
//
// for products with few rows (package kernel's gemm_skinny.go). It computes
// the 16 x 8 tile acc[i][s] = Σ_p a'(i, p) b[p*8+s], each element one FMA
// chain over p = 0..k-1 from 0 (the order of gemmKernel, so the bits are
// those of the packed path), and folds it into c transposed:
// c[s*ldc+i] = fma(alpha, acc[i][s], c[s*ldc+i]). The operand a' is read
// in place, without packing: a'(i, p) = a[i*lda+p] when rows is set (a
// row-major matrix whose rows are the tile's rows), a[p*lda+i] otherwise
// (a row-major matrix whose columns are the tile's rows). Each a'
// element is broadcast from memory into one FMA (embedded broadcast); the
// 16 accumulators are transposed as two 8 x 8 blocks (unpack, then two
// rounds of 128-bit lane shuffles) before the store. With direct set the
// tile is stored as it is, c[i*ldc+s] (products with few columns, where a'
// is op(A)). k >= 1.
func skinnyKernel(name string, rows, direct bool) {
	const mr = 16
	TEXT(name, NOSPLIT, "func(k int, a *float64, lda int, b, c *float64, ldc int, alpha float64)")
	Pragma("noescape")
	layout := "a[p*lda+i]"
	if rows {
		layout = "a[i*lda+p]"
	}
	store := "c transposed: c[s*ldc+i] += alpha acc[i][s]."
	if direct {
		store = "c: c[i*ldc+s] += alpha acc[i][s]."
	}
	Doc(fmt.Sprintf("%s adds alpha times the 16x8 product of a'(i, p) = %s", name, layout),
		"and the packed kx8 panel b into "+store,
		"Each element is one FMA chain over k, then one FMA with alpha. k >= 1.")
	k := Load(Param("k"), GP64())
	pa := Load(Param("a"), GP64())
	lda := Load(Param("lda"), GP64())
	pb := Load(Param("b"), GP64())
	SHLQ(U8(3), lda)

	acc := make([]VecVirtual, mr)
	for i := range acc {
		acc[i] = ZMM()
		VXORPD(acc[i], acc[i], acc[i])
	}
	bv := ZMM()
	// addr(i) is the address of a'(i, p) at the current p.
	var addr func(i int) Mem
	var bases []GPVirtual
	if rows {
		// Rows 4q..4q+3 from base q: +0, +lda, +2 lda, +3 lda.
		lda3 := GP64()
		LEAQ(Mem{Base: lda, Index: lda, Scale: 2}, lda3)
		bases = make([]GPVirtual, mr/4)
		for q := range bases {
			bases[q] = GP64()
			if q == 0 {
				MOVQ(pa, bases[q])
			} else {
				LEAQ(Mem{Base: bases[q-1], Index: lda, Scale: 4}, bases[q])
			}
		}
		addr = func(i int) Mem {
			b := bases[i/4]
			switch i % 4 {
			case 0:
				return Mem{Base: b}
			case 1:
				return Mem{Base: b, Index: lda, Scale: 1}
			case 2:
				return Mem{Base: b, Index: lda, Scale: 2}
			}
			return Mem{Base: b, Index: lda3, Scale: 1}
		}
	} else {
		addr = func(i int) Mem { return Mem{Base: pa, Disp: 8 * i} }
	}

	Label(name + "_loop")
	VMOVUPD(Mem{Base: pb}, bv)
	for i := 0; i < mr; i++ {
		VFMADD231PD_BCST(addr(i), bv, acc[i])
	}
	if rows {
		for _, b := range bases {
			ADDQ(U8(8), b)
		}
	} else {
		ADDQ(lda, pa)
	}
	ADDQ(U8(64), pb)
	DECQ(k)
	JNZ(LabelRef(name + "_loop"))

	pc := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(3), ldc)
	if direct {
		// Row i of the tile is the 8 values of acc[i].
		alv := ZMM()
		al, err := Param("alpha").Resolve()
		if err != nil {
			panic(err)
		}
		VBROADCASTSD(al.Addr, alv)
		for i := 0; i < mr; i++ {
			m := Mem{Base: pc}
			VFMADD213PD(m, alv, acc[i])
			VMOVUPD(acc[i], m)
			if i < mr-1 {
				ADDQ(ldc, pc)
			}
		}
		VZEROUPPER()
		RET()
		return
	}
	ldc3 := GP64()
	LEAQ(Mem{Base: ldc, Index: ldc, Scale: 2}, ldc3)
	pc4 := GP64()
	LEAQ(Mem{Base: pc, Index: ldc, Scale: 4}, pc4)
	alv := ZMM()
	al, err := Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	VBROADCASTSD(al.Addr, alv)
	// cAddr(s, h) is the address of c[s*ldc + 8h].
	cAddr := func(s, h int) Mem {
		b := pc
		if s >= 4 {
			b = pc4
		}
		m := Mem{Base: b, Disp: 64 * h}
		switch s % 4 {
		case 1:
			m.Index, m.Scale = ldc, 1
		case 2:
			m.Index, m.Scale = ldc, 2
		case 3:
			m.Index, m.Scale = ldc3, 1
		}
		return m
	}
	for h := 0; h < mr/8; h++ {
		cols := transpose8(acc[8*h : 8*h+8])
		for s := 0; s < 8; s++ {
			m := cAddr(s, h)
			VFMADD213PD(m, alv, cols[s])
			VMOVUPD(cols[s], m)
		}
	}
	VZEROUPPER()
	RET()
}

// transpose8 returns the columns of the 8 x 8 block whose rows are r:
// pairs interleaved by VUNPCKLPD/VUNPCKHPD, then 128-bit lanes gathered by
// two rounds of VSHUFF64X2 (0x88 takes lanes 0 and 2 of each source, 0xDD
// lanes 1 and 3).
func transpose8(r []VecVirtual) []VecVirtual {
	t := make([]VecVirtual, 8)
	for i := 0; i < 8; i += 2 {
		t[i], t[i+1] = ZMM(), ZMM()
		VUNPCKLPD(r[i+1], r[i], t[i])   // r_i[0] r_{i+1}[0] r_i[2] r_{i+1}[2] ...
		VUNPCKHPD(r[i+1], r[i], t[i+1]) // r_i[1] r_{i+1}[1] r_i[3] r_{i+1}[3] ...
	}
	shuf := func(imm uint8, lo, hi VecVirtual) VecVirtual {
		d := ZMM()
		VSHUFF64X2(U8(imm), hi, lo, d)
		return d
	}
	// u holds, per pair of source rows, columns {0,4}, {2,6}, {1,5}, {3,7}.
	u := []VecVirtual{
		shuf(0x88, t[0], t[2]), shuf(0xDD, t[0], t[2]), shuf(0x88, t[1], t[3]), shuf(0xDD, t[1], t[3]),
		shuf(0x88, t[4], t[6]), shuf(0xDD, t[4], t[6]), shuf(0x88, t[5], t[7]), shuf(0xDD, t[5], t[7]),
	}
	cols := make([]VecVirtual, 8)
	cols[0], cols[4] = shuf(0x88, u[0], u[4]), shuf(0xDD, u[0], u[4])
	cols[2], cols[6] = shuf(0x88, u[1], u[5]), shuf(0xDD, u[1], u[5])
	cols[1], cols[5] = shuf(0x88, u[2], u[6]), shuf(0xDD, u[2], u[6])
	cols[3], cols[7] = shuf(0x88, u[3], u[7]), shuf(0xDD, u[3], u[7])
	return cols
}

// skinnyNNKernel emits the AVX-512 in-place micro-kernel
//
//	func NAME(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha float64, m0, m1 uint32)
//
// for products with few rows whose op(B) is stored untransposed (package
// kernel's gemm_skinny.go): the 8 x 16 tile acc[s][j] = Σ_p a'(s, p)
// b[p*ldb+j], each element one FMA chain over p = 0..k-1 from 0 (the order
// of gemmKernel, so the bits are those of the packed path), folded into c:
// c[s*ldc+j] = fma(alpha, acc[s][j], c[s*ldc+j]) for the columns j whose
// bit is set in m0 (j < 8) or m1 (j - 8). Neither operand is packed: a'(s,
// p) = a[s*lda+p] when rows is set, a[p*lda+s] otherwise, each broadcast
// once per step for its two FMAs; the rows of b are loaded under the column masks
// (masked-out columns are not read, so an edge tile needs no copy). k >= 1.
func skinnyNNKernel(name string, rows bool) {
	const mr, nv = 8, 2
	TEXT(name, NOSPLIT, "func(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha float64, m0, m1 uint32)")
	Pragma("noescape")
	layout := "a[p*lda+s]"
	if rows {
		layout = "a[s*lda+p]"
	}
	Doc(fmt.Sprintf("%s adds alpha times the 8x16 product of a'(s, p) = %s and b[p*ldb+j]", name, layout),
		"into c[s*ldc+j], for the columns j set in the masks m0 (j < 8) and m1 (j >= 8).",
		"Each element is one FMA chain over k, then one FMA with alpha. k >= 1.")
	k := Load(Param("k"), GP64())
	pa := Load(Param("a"), GP64())
	lda := Load(Param("lda"), GP64())
	pb := Load(Param("b"), GP64())
	ldb := Load(Param("ldb"), GP64())
	SHLQ(U8(3), lda)
	SHLQ(U8(3), ldb)
	masks := []Op{K(), K()}
	for v, nm := range []string{"m0", "m1"} {
		r := Load(Param(nm), GP32())
		KMOVW(r, masks[v])
	}
	acc := make([][]VecVirtual, mr)
	for i := range acc {
		acc[i] = make([]VecVirtual, nv)
		for v := range acc[i] {
			acc[i][v] = ZMM()
			VXORPD(acc[i][v], acc[i][v], acc[i][v])
		}
	}
	var addr func(i int) Mem
	var bases []GPVirtual
	if rows {
		lda3 := GP64()
		LEAQ(Mem{Base: lda, Index: lda, Scale: 2}, lda3)
		bases = []GPVirtual{GP64(), GP64()}
		MOVQ(pa, bases[0])
		LEAQ(Mem{Base: bases[0], Index: lda, Scale: 4}, bases[1])
		addr = func(i int) Mem {
			b := bases[i/4]
			switch i % 4 {
			case 0:
				return Mem{Base: b}
			case 1:
				return Mem{Base: b, Index: lda, Scale: 1}
			case 2:
				return Mem{Base: b, Index: lda, Scale: 2}
			}
			return Mem{Base: b, Index: lda3, Scale: 1}
		}
	} else {
		addr = func(i int) Mem { return Mem{Base: pa, Disp: 8 * i} }
	}
	bv := []VecVirtual{ZMM(), ZMM()}
	bc := ZMM()

	Label(name + "_loop")
	for v := 0; v < nv; v++ {
		VMOVUPD_Z(Mem{Base: pb, Disp: 64 * v}, masks[v], bv[v])
	}
	for i := 0; i < mr; i++ {
		VBROADCASTSD(addr(i), bc)
		for v := 0; v < nv; v++ {
			VFMADD231PD(bv[v], bc, acc[i][v])
		}
	}
	if rows {
		for _, b := range bases {
			ADDQ(U8(8), b)
		}
	} else {
		ADDQ(lda, pa)
	}
	ADDQ(ldb, pb)
	DECQ(k)
	JNZ(LabelRef(name + "_loop"))

	pc := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(3), ldc)
	alv := ZMM()
	al, err := Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	VBROADCASTSD(al.Addr, alv)
	cv := ZMM()
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			m := Mem{Base: pc, Disp: 64 * v}
			VMOVUPD_Z(m, masks[v], cv)
			VFMADD213PD(cv, alv, acc[i][v]) // acc = alpha acc + c
			VMOVUPD(acc[i][v], masks[v], m)
		}
		if i < mr-1 {
			ADDQ(ldc, pc)
		}
	}
	VZEROUPPER()
	RET()
}
