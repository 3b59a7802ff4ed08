package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// bernoulliKernel emits
//
//	func bernoulliLogitsNAME(grad, y, l, e, sp *float64, n int, acc *[24]float64)
//
// for n a positive multiple of s.lanes, given e = exp(-|l|) and sp =
// log1p(e) (from the Exp and Log1p kernels: fused into this loop, their
// long dependency chains left too few iterations in flight and the whole
// ran slower than the three loops apart): the Bernoulli log-likelihood
// terms t = y l - softplus(l) of labels y and logits l, written (y min(l,
// 0) - (1-y) max(l, 0)) - sp, added lane by lane into acc[0:8] (element i
// into lane i mod 8, in order), and the derivative grad = y - σ(l), σ(l)
// = num/(1+e) with num = e for l < 0 and 1 otherwise; min, max and num are
// selected by the sign bit of l. acc[8:16] gains |y (1-y)| (nonzero for a
// label other than 0 and 1) and acc[16:24] l - l (NaN for a non-finite
// logit). The operations are those of package kernel's bernoulliLogitsGo
// in the same order, so both give the same bits.
func (s isa) bernoulliKernel() {
	name := "bernoulliLogits" + s.name
	TEXT(name, NOSPLIT, "func(grad, y, l, e, sp *float64, n int, acc *[24]float64)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s adds the Bernoulli log-likelihood terms y l - softplus(l) at i < n into lane i mod 8 of acc[0:8],", name),
		"|y(1-y)| into acc[8:16] and l - l into acc[16:24], and sets grad[i] = y - sigmoid(l),",
		fmt.Sprintf("given e = exp(-|l|) and sp = log1p(e); n a positive multiple of %d.", s.lanes))
	pg := Load(Param("grad"), GP64())
	py := Load(Param("y"), GP64())
	pl := Load(Param("l"), GP64())
	pe := Load(Param("e"), GP64())
	psp := Load(Param("sp"), GP64())
	n := Load(Param("n"), GP64())
	pacc := Load(Param("acc"), GP64())
	acc, chk, fin := s.vec(), s.vec(), s.vec()
	VMOVUPD(Mem{Base: pacc}, acc)
	VMOVUPD(Mem{Base: pacc, Disp: 64}, chk)
	VMOVUPD(Mem{Base: pacc, Disp: 128}, fin)
	one, abs := s.c(1), s.cb(absMask)
	off := GP64()
	XORQ(off, off)
	at := func(b Register) Mem { return Mem{Base: b, Index: off, Scale: 1} }
	Label(name + "_loop")
	l, y, e := s.vec(), s.vec(), s.vec()
	VMOVUPD(at(pl), l)
	VMOVUPD(at(py), y)
	VMOVUPD(at(pe), e)
	mask := s.vec()
	VPSRAQ(U8(63), l, mask) // all ones where the sign bit of l is set
	neg, pos := s.vec(), s.vec()
	VPANDQ(l, mask, neg)  // min(l, 0)
	VPANDNQ(l, mask, pos) // max(l, 0)
	om := s.vec()
	VSUBPD(y, one, om) // 1 - y
	t, t2 := s.vec(), s.vec()
	VMULPD(neg, y, t)
	VMULPD(pos, om, t2)
	VSUBPD(t2, t, t)
	VSUBPD(at(psp), t, t)
	VADDPD(t, acc, acc)
	VMULPD(om, y, t2) // y (1 - y)
	s.pand(t2, abs, t2)
	VADDPD(t2, chk, chk)
	d := s.vec()
	VSUBPD(l, l, d)
	VADDPD(d, fin, fin)
	num, t3 := s.vec(), s.vec()
	VPANDQ(e, mask, num)
	VPANDNQ(one, mask, t3)
	VPORQ(t3, num, num)
	den := s.vec()
	VADDPD(one, e, den)
	VDIVPD(den, num, num) // σ(l)
	VSUBPD(num, y, num)   // y - σ(l)
	VMOVUPD(num, at(pg))
	ADDQ(U32(8*s.lanes), off)
	SUBQ(U32(s.lanes), n)
	JNZ(LabelRef(name + "_loop"))
	VMOVUPD(acc, Mem{Base: pacc})
	VMOVUPD(chk, Mem{Base: pacc, Disp: 64})
	VMOVUPD(fin, Mem{Base: pacc, Disp: 128})
	VZEROUPPER()
	RET()
}
