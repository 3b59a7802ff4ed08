//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

var (
	avx512Micro = micro{name: "avx512", mr: 8, nr: 24, fn: gemmKernel8x24AVX512, sk: &avx512Skinny}
	// avx512Skinny is the skinny path's AVX-512 kernel pair; AVX2 CPUs
	// take the packed path for skinny products too.
	avx512Skinny = skinnyMicro{name: "avx512", rows: skinnyRowsAVX512, cols: skinnyColsAVX512, nnRows: skinnyNNRowsAVX512, nnCols: skinnyNNColsAVX512, rowsD: skinnyRowsDAVX512, colsD: skinnyColsDAVX512}
	avx2Micro    = micro{name: "avx2", mr: 4, nr: 12, fn: gemmKernel4x12AVX2}
)

func init() {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ:
		active = avx512Micro
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		active = avx2Micro
	}
}

// micros lists the micro-kernels this CPU can run, for tests.
func micros() []micro {
	ms := []micro{goMicro}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ms = append(ms, avx2Micro)
	}
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ {
		ms = append(ms, avx512Micro)
	}
	return ms
}
