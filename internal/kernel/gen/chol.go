package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Block kernels of the interleaved batched Cholesky factorization and
// triangular solve (see chol.go in package kernel for the layout and the
// exact order of operations, which the pure-Go kernels there repeat).
type cholMode int

const (
	modeOff     cholMode = iota // L_IJ = (A_IJ - L_I L_Jᵀ) L_JJ⁻ᵀ
	modeDiag                    // L_II = chol(A_II - L_I L_Iᵀ)
	modeTrsm                    // X_IJ = T_II⁻¹ (F_IJ - T_IK X_KJ)
	modeTrsmSub                 // modeTrsm with F_IJ = F - T_IJ (K0 = J), F read from f
)

func cholKernels() {
	cholKernel("cholOffAVX512", modeOff)
	cholKernel("cholDiagAVX512", modeDiag)
	cholKernel("trsmLowerAVX512", modeTrsm)
	cholKernel("trsmLowerSubAVX512", modeTrsmSub)
}

func cholKernel(name string, mode cholMode) {
	sub := mode == modeTrsmSub
	if sub {
		mode = modeTrsm
	}
	switch mode {
	case modeDiag:
		TEXT(name, NOSPLIT, "func(k int, a, c *float64, s int, inv *float64)")
		Doc(name+" is kernel.CholDiag's AVX-512 path (8 lanes).", "s is the row stride in float64s.")
	case modeOff:
		TEXT(name, NOSPLIT, "func(k int, a, b, c *float64, s int, inv *float64)")
		Doc(name+" is kernel.CholOff's AVX-512 path (8 lanes).", "s is the row stride in float64s.")
	default:
		if sub {
			TEXT(name, NOSPLIT, "func(k int, a *float64, sa int, b, f, c *float64, s int, inv *float64)")
			Doc(name+" is kernel.TrsmLowerSub's AVX-512 path (8 lanes).", "sa is the row stride of a and f, s that of b and c, in float64s.")
		} else {
			TEXT(name, NOSPLIT, "func(k int, a *float64, sa int, b, c *float64, s int, inv *float64)")
			Doc(name+" is kernel.TrsmLower's AVX-512 path (8 lanes).", "sa is the row stride of a, s that of b and c, in float64s.")
		}
	}
	Pragma("noescape")
	k := Load(Param("k"), GP64())
	pa := Load(Param("a"), GP64())
	var pb Register
	if mode != modeDiag {
		pb = Load(Param("b"), GP64())
	}
	pc := Load(Param("c"), GP64())
	pf := pc
	if sub {
		pf = Load(Param("f"), GP64())
	}
	s8 := Load(Param("s"), GP64())
	pinv := Load(Param("inv"), GP64())
	SHLQ(U8(3), s8)
	s3 := GP64()
	LEAQ(Mem{Base: s8, Index: s8, Scale: 2}, s3)
	// The solves read T (a) and F (f) with their own row stride.
	sa8, sa3 := s8, s3
	if mode == modeTrsm {
		sa8 = Load(Param("sa"), GP64())
		SHLQ(U8(3), sa8)
		sa3 = GP64()
		LEAQ(Mem{Base: sa8, Index: sa8, Scale: 2}, sa3)
	}
	// rowS returns the address of row r (0..3) of base at byte offset
	// disp for the row stride held in st8 (and 3 times it in st3).
	rowS := func(base, st8, st3 Register, r, disp int) Mem {
		switch r {
		case 0:
			return Mem{Base: base, Disp: disp}
		case 1:
			return Mem{Base: base, Index: st8, Scale: 1, Disp: disp}
		case 2:
			return Mem{Base: base, Index: st8, Scale: 2, Disp: disp}
		}
		return Mem{Base: base, Index: st3, Scale: 1, Disp: disp}
	}
	row := func(base Register, r, disp int) Mem { return rowS(base, s8, s3, r, disp) }
	rowA := func(base Register, r, disp int) Mem { return rowS(base, sa8, sa3, r, disp) }
	used := func(r, q int) bool { return mode != modeDiag || q <= r }

	var acc [4][4]VecVirtual
	for r := 0; r < 4; r++ {
		for q := 0; q < 4; q++ {
			if used(r, q) {
				acc[r][q] = ZMM()
				if sub {
					VMOVUPD(rowA(pf, r, 64*q), acc[r][q])
					VSUBPD(rowA(pa, r, 64*q), acc[r][q], acc[r][q]) // acc = f - a
				} else {
					VMOVUPD(row(pc, r, 64*q), acc[r][q])
				}
			}
		}
	}
	var av, bv [4]VecVirtual
	for r := 0; r < 4; r++ {
		av[r] = ZMM()
		if mode != modeDiag {
			bv[r] = ZMM()
		}
	}
	TESTQ(k, k)
	JZ(LabelRef(name + "_tri"))
	Label(name + "_loop")
	for r := 0; r < 4; r++ {
		VMOVUPD(rowA(pa, r, 0), av[r])
	}
	switch mode {
	case modeOff:
		for q := 0; q < 4; q++ {
			VMOVUPD(row(pb, q, 0), bv[q])
		}
	case modeTrsm:
		for q := 0; q < 4; q++ {
			VMOVUPD(Mem{Base: pb, Disp: 64 * q}, bv[q])
		}
	}
	for r := 0; r < 4; r++ {
		for q := 0; q < 4; q++ {
			if !used(r, q) {
				continue
			}
			b := av[q]
			if mode != modeDiag {
				b = bv[q]
			}
			// acc -= a_r b_q (one rounding), as math.FMA(-a, b, acc).
			VFNMADD231PD(b, av[r], acc[r][q])
		}
	}
	ADDQ(U32(64), pa)
	if mode == modeTrsm {
		ADDQ(s8, pb)
	} else if mode == modeOff {
		ADDQ(U32(64), pb)
	}
	DECQ(k)
	JNZ(LabelRef(name + "_loop"))

	Label(name + "_tri")
	t := ZMM()
	switch mode {
	case modeOff:
		// Columns q in order: acc[r][q] -= acc[r][t] L_JJ[q][t] (t < q),
		// then times inv[q]; pb now points at column k of rows J.
		for q := 0; q < 4; q++ {
			for tt := 0; tt < q; tt++ {
				VMOVUPD(row(pb, q, 64*tt), t)
				for r := 0; r < 4; r++ {
					VFNMADD231PD(t, acc[r][tt], acc[r][q])
				}
			}
			VMOVUPD(Mem{Base: pinv, Disp: 64 * q}, t)
			for r := 0; r < 4; r++ {
				VMULPD(t, acc[r][q], acc[r][q])
			}
		}
	case modeDiag:
		one := ZMM()
		VBROADCASTSD(ConstData("chol_one", U64(math.Float64bits(1))), one)
		var iv [4]VecVirtual
		for r := 0; r < 4; r++ {
			for q := 0; q < r; q++ {
				for tt := 0; tt < q; tt++ {
					VFNMADD231PD(acc[q][tt], acc[r][tt], acc[r][q])
				}
				VMULPD(iv[q], acc[r][q], acc[r][q])
			}
			for tt := 0; tt < r; tt++ {
				VFNMADD231PD(acc[r][tt], acc[r][tt], acc[r][r])
			}
			VSQRTPD(acc[r][r], acc[r][r])
			iv[r] = ZMM()
			VDIVPD(acc[r][r], one, iv[r])
			VMOVUPD(iv[r], Mem{Base: pinv, Disp: 64 * r})
		}
	case modeTrsm:
		// Rows r in order: acc[r][q] -= T_II[r][t] acc[t][q] (t < r), then
		// times inv[r]; pa now points at column K0+k of rows I.
		for r := 0; r < 4; r++ {
			for tt := 0; tt < r; tt++ {
				VMOVUPD(rowA(pa, r, 64*tt), t)
				for q := 0; q < 4; q++ {
					VFNMADD231PD(acc[tt][q], t, acc[r][q])
				}
			}
			VMOVUPD(Mem{Base: pinv, Disp: 64 * r}, t)
			for q := 0; q < 4; q++ {
				VMULPD(t, acc[r][q], acc[r][q])
			}
		}
	}
	for r := 0; r < 4; r++ {
		for q := 0; q < 4; q++ {
			if used(r, q) {
				VMOVUPD(acc[r][q], row(pc, r, 64*q))
			}
		}
	}
	VZEROUPPER()
	RET()
}

// interleaveKernels emits the copies between row-major matrices and the
// interleaved layout of the block kernels (8 x 8 transposes in registers;
// gathers are slow on CPUs with the gather-data-sampling mitigation), and
// the small vector loops around them.
func interleaveKernels() {
	perm := func(name string, v [8]int) Mem {
		g := GLOBL(name, RODATA|NOPTR)
		for t, x := range v {
			DATA(8*t, U64(uint64(x)))
		}
		return g
	}
	halfC := ConstData("chol_half", U64(math.Float64bits(0.5)))
	absC := ConstData("chol_absmask", U64(0x7FFFFFFFFFFFFFFF))
	idxA := perm("chol_permA", [8]int{0, 1, 8, 9, 4, 5, 12, 13})
	idxB := perm("chol_permB", [8]int{2, 3, 10, 11, 6, 7, 14, 15})
	// transpose returns the columns of the 8 x 8 matrix whose rows are r.
	transpose := func(r [8]VecVirtual, ia, ib VecVirtual) [8]VecVirtual {
		var a, b, col [8]VecVirtual
		for p := 0; p < 4; p++ {
			a[2*p], a[2*p+1] = ZMM(), ZMM()
			VUNPCKLPD(r[2*p+1], r[2*p], a[2*p])   // r0_0 r1_0 r0_2 r1_2 ...
			VUNPCKHPD(r[2*p+1], r[2*p], a[2*p+1]) // r0_1 r1_1 r0_3 r1_3 ...
		}
		for h := 0; h < 2; h++ {
			for c := 0; c < 2; c++ {
				lo, hi := a[4*h+c], a[4*h+2+c]
				b[4*h+c], b[4*h+2+c] = ZMM(), ZMM()
				VMOVUPD(ia, b[4*h+c])
				VPERMI2PD(hi, lo, b[4*h+c]) // columns c, c+4 of rows 4h..4h+3
				VMOVUPD(ib, b[4*h+2+c])
				VPERMI2PD(hi, lo, b[4*h+2+c]) // columns c+2, c+6
			}
		}
		// b[c] (c < 4) holds rows 0..3 of columns c and c+4, b[c+4] rows 4..7.
		for c := 0; c < 4; c++ {
			col[c], col[c+4] = ZMM(), ZMM()
			VSHUFF64X2(U8(0x44), b[c+4], b[c], col[c])
			VSHUFF64X2(U8(0xEE), b[c+4], b[c], col[c+4])
		}
		return col
	}

	for _, dir := range []string{"interleaveAVX512", "deinterleaveAVX512", "interleaveLowerAVX512", "deinterleaveLowerAVX512"} {
		in := dir == "interleaveAVX512" || dir == "interleaveLowerAVX512"
		lower := dir == "interleaveLowerAVX512" || dir == "deinterleaveLowerAVX512"
		TEXT(dir, NOSPLIT, "func(buf, src *float64, off *int64, d, n, s int)")
		what := "the d/8 whole chunks of 8 columns"
		if lower {
			what = "the whole chunks of 8 columns up to the one holding the diagonal"
		}
		if in {
			Doc(dir+" is kernel.Interleave's AVX-512 path for "+what+":",
				"buf[i*s+j*8+l] = src[off[l]/8+i*d+j] for i < n; off in bytes.")
		} else {
			Doc(dir+" is kernel.Deinterleave's AVX-512 path for "+what+":",
				"src[off[l]/8+i*d+j] = buf[i*s+j*8+l] for i < n; off in bytes.")
		}
		Pragma("noescape")
		pbuf := Load(Param("buf"), GP64())
		psrc := Load(Param("src"), GP64())
		poff := Load(Param("off"), GP64())
		d := Load(Param("d"), GP64())
		n := Load(Param("n"), GP64())
		s8 := Load(Param("s"), GP64())
		SHLQ(U8(3), s8)
		d8 := GP64()
		MOVQ(d, d8)
		SHLQ(U8(3), d8)
		SHRQ(U8(3), d) // chunks per row
		ia, ib := ZMM(), ZMM()
		VMOVDQU64(idxA, ia)
		VMOVDQU64(idxB, ib)
		lbl := dir + "_"
		TESTQ(d, d)
		JZ(LabelRef(lbl + "done"))
		TESTQ(n, n)
		JZ(LabelRef(lbl + "done"))
		var row GPVirtual
		if lower {
			row = GP64()
			XORQ(row, row)
		}
		Label(lbl + "row")
		pc, pb, c, t := GP64(), GP64(), GP64(), GP64()
		MOVQ(psrc, pc)
		MOVQ(pbuf, pb)
		MOVQ(d, c)
		if lower {
			// c = min(d/8, row/8 + 1)
			MOVQ(row, t)
			SHRQ(U8(3), t)
			INCQ(t)
			CMPQ(t, c)
			CMOVQLT(t, c)
			INCQ(row)
		}
		Label(lbl + "chunk")
		var r [8]VecVirtual
		for l := 0; l < 8; l++ {
			r[l] = ZMM()
			if in {
				MOVQ(Mem{Base: poff, Disp: 8 * l}, t)
				VMOVUPD(Mem{Base: pc, Index: t, Scale: 1}, r[l])
			} else {
				VMOVUPD(Mem{Base: pb, Disp: 64 * l}, r[l])
			}
		}
		col := transpose(r, ia, ib)
		for l := 0; l < 8; l++ {
			if in {
				VMOVUPD(col[l], Mem{Base: pb, Disp: 64 * l})
			} else {
				MOVQ(Mem{Base: poff, Disp: 8 * l}, t)
				VMOVUPD(col[l], Mem{Base: pc, Index: t, Scale: 1})
			}
		}
		ADDQ(U32(64), pc)
		ADDQ(U32(512), pb)
		DECQ(c)
		JNZ(LabelRef(lbl + "chunk"))
		ADDQ(d8, psrc)
		ADDQ(s8, pbuf)
		DECQ(n)
		JNZ(LabelRef(lbl + "row"))
		Label(lbl + "done")
		VZEROUPPER()
		RET()
	}

	// symLowerAVX512(buf *float64, d, s int, asym *float64): buf_ij =
	// 0.5*(buf_ij + buf_ji) for j < i < d, then buf_ji = 0; asym[l] =
	// Σ_{j<i} |buf_ij - buf_ji| + Σ_i (buf_ii - buf_ii) (0 exactly for a
	// finite symmetric matrix).
	TEXT("symLowerAVX512", NOSPLIT, "func(buf *float64, d, s int, asym *float64)")
	Pragma("noescape")
	Doc("symLowerAVX512 is kernel.SymLower's AVX-512 path.")
	{
		pbuf, d, s8, pasym, half, zero, absm, acc := symLowerStart(halfC, absC, "sym")
		i, j, prow, pcol := GP64(), GP64(), GP64(), GP64()
		MOVQ(U64(1), i)
		CMPQ(i, d)
		JGE(LabelRef("sym_done"))
		Label("sym_row")
		// prow = buf + i*s8 (element (i, 0)), pcol = buf + i*64 (element (0, i)).
		MOVQ(i, prow)
		IMULQ(s8, prow)
		ADDQ(pbuf, prow)
		MOVQ(i, pcol)
		SHLQ(U8(6), pcol)
		ADDQ(pbuf, pcol)
		MOVQ(i, j)
		x := ZMM()
		y, dx := ZMM(), ZMM()
		Label("sym_col")
		symLowerPair(prow, pcol, x, y, dx, half, zero, absm, acc)
		ADDQ(U8(64), prow)
		ADDQ(s8, pcol)
		DECQ(j)
		JNZ(LabelRef("sym_col"))
		INCQ(i)
		CMPQ(i, d)
		JL(LabelRef("sym_row"))
		Label("sym_done")
		VMOVUPD(acc, Mem{Base: pasym})
		VZEROUPPER()
		RET()
	}

	// symLowerTiledAVX512: symLowerAVX512 in 8 x 8 tiles (d a multiple of
	// 8), so that the transposed reads of a tile stay in L1.
	TEXT("symLowerTiledAVX512", NOSPLIT, "func(buf *float64, d, s int, asym *float64)")
	Pragma("noescape")
	Doc("symLowerTiledAVX512 is kernel.SymLower's AVX-512 path for d a multiple of 8, by 8 x 8 tiles.")
	{
		pbuf, d, s8, pasym, half, zero, absm, acc := symLowerStart(halfC, absC, "symt")
		i0, j0, i, j, jEnd, t, prow, pcol := GP64(), GP64(), GP64(), GP64(), GP64(), GP64(), GP64(), GP64()
		x, y, dx := ZMM(), ZMM(), ZMM()
		XORQ(i0, i0)
		Label("symt_trow")
		XORQ(j0, j0)
		Label("symt_tcol")
		MOVQ(i0, i)
		Label("symt_row")
		MOVQ(j0, jEnd) // jEnd = min(j0 + 8, i)
		ADDQ(U8(8), jEnd)
		CMPQ(i, jEnd)
		CMOVQLT(i, jEnd)
		MOVQ(j0, j)
		CMPQ(j, jEnd)
		JGE(LabelRef("symt_rownext"))
		// prow = buf + i*s8 + j*64 (element (i, j)), pcol = buf + j*s8 + i*64.
		MOVQ(i, prow)
		IMULQ(s8, prow)
		ADDQ(pbuf, prow)
		MOVQ(j, t)
		SHLQ(U8(6), t)
		ADDQ(t, prow)
		MOVQ(j, pcol)
		IMULQ(s8, pcol)
		ADDQ(pbuf, pcol)
		MOVQ(i, t)
		SHLQ(U8(6), t)
		ADDQ(t, pcol)
		Label("symt_col")
		symLowerPair(prow, pcol, x, y, dx, half, zero, absm, acc)
		ADDQ(U8(64), prow)
		ADDQ(s8, pcol)
		INCQ(j)
		CMPQ(j, jEnd)
		JL(LabelRef("symt_col"))
		Label("symt_rownext")
		INCQ(i)
		MOVQ(i0, t)
		ADDQ(U8(8), t)
		CMPQ(i, t)
		JL(LabelRef("symt_row"))
		ADDQ(U8(8), j0)
		CMPQ(j0, i0)
		JLE(LabelRef("symt_tcol"))
		ADDQ(U8(8), i0)
		CMPQ(i0, d)
		JL(LabelRef("symt_trow"))
		VMOVUPD(acc, Mem{Base: pasym})
		VZEROUPPER()
		RET()
	}

	// sumSqLowerAVX512(out, buf *float64, d, s int): out[l] = Σ_{i<d}
	// Σ_{j<i} buf_ij², one FMA chain in the order (i, j), from 0.
	TEXT("sumSqLowerAVX512", NOSPLIT, "func(out, buf *float64, d, s int)")
	Pragma("noescape")
	Doc("sumSqLowerAVX512 is kernel.SumSqLower's AVX-512 path.")
	{
		pout := Load(Param("out"), GP64())
		pbuf := Load(Param("buf"), GP64())
		d := Load(Param("d"), GP64())
		s8 := Load(Param("s"), GP64())
		SHLQ(U8(3), s8)
		acc, x := ZMM(), ZMM()
		VXORPD(acc, acc, acc)
		i, j, prow := GP64(), GP64(), GP64()
		MOVQ(U64(1), i)
		CMPQ(i, d)
		JGE(LabelRef("ssq_done"))
		Label("ssq_row")
		ADDQ(s8, pbuf)
		MOVQ(pbuf, prow)
		MOVQ(i, j)
		Label("ssq_col")
		VMOVUPD(Mem{Base: prow}, x)
		VFMADD231PD(x, x, acc)
		ADDQ(U8(64), prow)
		DECQ(j)
		JNZ(LabelRef("ssq_col"))
		INCQ(i)
		CMPQ(i, d)
		JL(LabelRef("ssq_row"))
		Label("ssq_done")
		VMOVUPD(acc, Mem{Base: pout})
		VZEROUPPER()
		RET()
	}
}

// trilKernel emits trilOKAVX512(m *float64, d int) bool for d a positive
// multiple of 8: whether the d x d row-major matrix m has finite entries
// on and below the diagonal and exact zeros (either sign) above it,
// classified by VFPCLASSPD with the lower part of each 8-column chunk
// selected by a mask from a table.
func trilKernel() {
	masks := GLOBL("chol_lowmask", RODATA|NOPTR)
	for t := 0; t <= 8; t++ {
		DATA(t, U8(uint8((1<<t)-1)))
	}
	TEXT("trilOKAVX512", NOSPLIT, "func(m *float64, d int) bool")
	Pragma("noescape")
	Doc("trilOKAVX512 is kernel.TrilOK's AVX-512 path (without the diagonal's sign), d a multiple of 8.")
	pm := Load(Param("m"), GP64())
	d := Load(Param("d"), GP64())
	ptab := GP64()
	LEAQ(masks, ptab)
	acc, kl, kn, kz, kt := K(), K(), K(), K(), K()
	KXORB(acc, acc, acc)
	i, c, t, tt, eight, zero := GP64(), GP64(), GP64(), GP64(), GP64(), GP64()
	MOVQ(U64(8), eight)
	XORQ(zero, zero)
	XORQ(i, i)
	Label("tril_row")
	MOVQ(i, t)
	INCQ(t) // t = i + 1 - 8c for chunk c
	MOVQ(d, c)
	SHRQ(U8(3), c)
	Label("tril_chunk")
	MOVQ(t, tt)
	CMPQ(tt, eight)
	CMOVQGT(eight, tt)
	CMPQ(tt, zero)
	CMOVQLT(zero, tt)
	KMOVB(Mem{Base: ptab, Index: tt, Scale: 1}, kl)
	VFPCLASSPDZ(U8(0x99), Mem{Base: pm}, kn) // NaN or ±Inf
	VFPCLASSPDZ(U8(0x06), Mem{Base: pm}, kz) // ±0
	KANDB(kl, kn, kn)                        // bad below or on the diagonal
	KORB(acc, kn, acc)
	KORB(kl, kz, kt) // zero or lower: fine above
	KNOTB(kt, kt)
	KORB(kt, acc, acc)
	ADDQ(U8(64), pm)
	SUBQ(U8(8), t)
	DECQ(c)
	JNZ(LabelRef("tril_chunk"))
	INCQ(i)
	CMPQ(i, d)
	JL(LabelRef("tril_row"))
	KORTESTB(acc, acc)
	r := GP8()
	SETEQ(r)
	Store(r, ReturnIndex(0))
	RET()
}

// symLowerStart emits the start of symLowerAVX512 and its tiled variant:
// the arguments (s8 = the row stride in bytes), the constants, and
// acc = Σ_i (buf_ii - buf_ii) over the diagonal (0 exactly when it is
// finite), under labels prefixed lbl.
func symLowerStart(halfC, absC Mem, lbl string) (pbuf, d, s8, pasym Register, half, zero, absm, acc VecVirtual) {
	pbuf = Load(Param("buf"), GP64())
	d = Load(Param("d"), GP64())
	s8 = Load(Param("s"), GP64())
	pasym = Load(Param("asym"), GP64())
	SHLQ(U8(3), s8)
	half, zero, absm, acc = ZMM(), ZMM(), ZMM(), ZMM()
	VBROADCASTSD(halfC, half)
	VBROADCASTSD(absC, absm)
	VXORPD(zero, zero, zero)
	VXORPD(acc, acc, acc)
	i, p, y := GP64(), GP64(), ZMM()
	MOVQ(d, i)
	MOVQ(pbuf, p)
	Label(lbl + "_diag")
	VMOVUPD(Mem{Base: p}, y)
	VSUBPD(y, y, y)
	VADDPD(y, acc, acc)
	ADDQ(s8, p)
	ADDQ(U8(64), p)
	DECQ(i)
	JNZ(LabelRef(lbl + "_diag"))
	return
}

// symLowerPair emits one step of the symmetrization: with x = buf_ij (at
// prow) and y = buf_ji (at pcol), acc += |x - y|, buf_ij = (x + y)/2 and
// buf_ji = 0.
func symLowerPair(prow, pcol Register, x, y, dx, half, zero, absm, acc VecVirtual) {
	VMOVUPD(Mem{Base: prow}, x)
	VMOVUPD(Mem{Base: pcol}, y)
	VSUBPD(y, x, dx)
	VANDPD(absm, dx, dx)
	VADDPD(dx, acc, acc)
	VADDPD(y, x, x)
	VMULPD(half, x, x)
	VMOVUPD(x, Mem{Base: prow})
	VMOVUPD(zero, Mem{Base: pcol})
}
