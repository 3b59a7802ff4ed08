//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

func init() { resetVec() }

// selectVec installs the AVX-512 kernels if avx512, else the AVX2 ones if
// avx2, else none (vecLanes 0: pure Go). Tests call it to run every path
// the CPU supports.
func selectVec(avx512, avx2 bool) {
	switch {
	case avx512:
		vecLanes = 8
	case avx2:
		vecLanes = 4
	default:
		vecLanes = 0
	}
}

// callVec runs the kernel op of the active instruction set.
func callVec(op vecOp, dst, x *float64, n int) {
	if vecLanes == 8 {
		switch op {
		case opLog:
			logAVX512(dst, x, n)
		case opExp:
			expAVX512(dst, x, n)
		case opExpm1:
			expm1AVX512(dst, x, n)
		case opLog1p:
			log1pAVX512(dst, x, n)
		case opExpNegAbs:
			expNegAbsAVX512(dst, x, n)
		}
		return
	}
	switch op {
	case opLog:
		logAVX2(dst, x, n)
	case opExp:
		expAVX2(dst, x, n)
	case opExpm1:
		expm1AVX2(dst, x, n)
	case opLog1p:
		log1pAVX2(dst, x, n)
	case opExpNegAbs:
		expNegAbsAVX2(dst, x, n)
	}
}

// adamVec runs the Adam kernel of the active instruction set.
func adamVec(p, m, v, g *float64, n int, c *[9]float64) {
	if vecLanes == 8 {
		adamAVX512(p, m, v, g, n, c)
	} else {
		adamAVX2(p, m, v, g, n, c)
	}
}

// normalKLPreVec runs NormalKL's first pass for the active instruction set.
func normalKLPreVec(y, w, r, m1, s1, m2, s2 *float64, n int, chk *[16]float64) {
	if vecLanes == 8 {
		normalKLPreAVX512(y, w, r, m1, s1, m2, s2, n, chk)
	} else {
		normalKLPreAVX2(y, w, r, m1, s1, m2, s2, n, chk)
	}
}

// normalKLPostVec runs NormalKL's last pass for the active instruction set.
func normalKLPostVec(dst, e, l, w, r *float64, n int) {
	if vecLanes == 8 {
		normalKLPostAVX512(dst, e, l, w, r, n)
	} else {
		normalKLPostAVX2(dst, e, l, w, r, n)
	}
}

// vecPaths lists the elementwise paths this CPU can run, for tests: each
// entry selects the path when called.
func vecPaths() map[string]func() {
	avx512 := cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ
	avx2 := cpu.X86.HasAVX2 && cpu.X86.HasFMA
	p := map[string]func(){"go": func() { selectVec(false, false) }}
	if avx2 {
		p["avx2"] = func() { selectVec(false, true) }
	}
	if avx512 {
		p["avx512"] = func() { selectVec(true, false) }
	}
	return p
}

// resetVec restores the path chosen at start-up.
func resetVec() {
	selectVec(cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ, cpu.X86.HasAVX2 && cpu.X86.HasFMA)
}

// bernoulliLogitsVec runs the AVX-512 Bernoulli kernel (vecLanes 8 only).
func bernoulliLogitsVec(g, y, l, e, sp *float64, n int, acc *[24]float64) {
	bernoulliLogitsAVX512(g, y, l, e, sp, n, acc)
}
