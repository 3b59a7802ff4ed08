//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

// The elementwise kernels of the CPU, nil for pure Go.
var logVecK, expVec, expm1Vec, log1pVec vecFunc

func init() { selectVec(cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ, cpu.X86.HasAVX2 && cpu.X86.HasFMA) }

// selectVec installs the AVX-512 kernels if avx512, else the AVX2 ones if
// avx2, else none. Tests call it to run every path the CPU supports.
func selectVec(avx512, avx2 bool) {
	switch {
	case avx512:
		vecLanes = 8
		logVecK, expVec, expm1Vec, log1pVec = logAVX512, expAVX512, expm1AVX512, log1pAVX512
	case avx2:
		vecLanes = 4
		logVecK, expVec, expm1Vec, log1pVec = logAVX2, expAVX2, expm1AVX2, log1pAVX2
	default:
		vecLanes = 0
		logVecK, expVec, expm1Vec, log1pVec = nil, nil, nil, nil
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
